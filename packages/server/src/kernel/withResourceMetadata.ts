import type { AuthError } from "./errors.js";

/**
 * The refusal with `resource_metadata="…"` (RFC 9728 §5.1) added to its Bearer (or DPoP) challenge, so a
 * client that got a 401 or 403 can find which authorization server to ask; an error without a
 * challenge comes back as it is. A copy: the error itself may be cached and shared.
 *
 * @example
 * const refusal = withResourceMetadata(error, "https://api.example.com/.well-known/oauth-protected-resource/mcp");
 */
export function withResourceMetadata(error: AuthError, metadataUrl: string): AuthError {
  const challenge = error.headers["WWW-Authenticate"];
  if (challenge === undefined || !/^(Bearer|DPoP)(\s|$)/.test(challenge)) return error;
  // A URL serializer percent-encodes `"`, so the value is safe inside the quoted string.
  const param = `resource_metadata="${metadataUrl}"`;
  const headers = {
    ...error.headers,
    "WWW-Authenticate": /^\S+$/.test(challenge)
      ? `${challenge} ${param}`
      : `${challenge}, ${param}`,
  };
  const copy = Object.create(Object.getPrototypeOf(error)) as AuthError;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  Object.defineProperty(copy, "headers", { value: Object.freeze(headers), enumerable: true });
  return copy;
}
