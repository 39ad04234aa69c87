import { AuthError } from "../errors.js";

/** 401 for a token that was sent but cannot be accepted. The reason never contains the token. */
export function invalidToken(reason: string, cause?: unknown): AuthError {
  return new AuthError("invalid_token", 401, `Invalid access token: ${reason}.`, {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    cause,
  });
}

/** 502 when the identity provider (discovery, JWKS) cannot be reached or answers nonsense. */
export function upstreamError(message: string, cause?: unknown): AuthError {
  return new AuthError("upstream_error", 502, message, { cause });
}

/** Start-up error for settings that cannot work; the message names the variables to fix. */
export function configurationError(message: string): AuthError {
  return new AuthError("configuration_error", 500, message);
}
