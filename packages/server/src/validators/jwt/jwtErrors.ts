import { ConfigurationError, InvalidTokenError, UpstreamError } from "../../kernel/errors.js";

/** 401 for a token that was sent but cannot be accepted. The reason never contains the token. */
export function invalidToken(reason: string, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError(`Invalid access token: ${reason}.`, { cause });
}

/** 502 when the identity provider (discovery, JWKS) cannot be reached or answers nonsense. */
export function upstreamError(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, { cause });
}

/** Start-up error for settings that cannot work; the message names the variables to fix. */
export function configurationError(message: string): ConfigurationError {
  return new ConfigurationError(message);
}
