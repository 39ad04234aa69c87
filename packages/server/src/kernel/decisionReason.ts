import type { AuthError, InvalidTokenError } from "./errors.js";

/** Refinements of `invalid_token` the validators know about (the proxy cannot tell them apart). */
const refined = new WeakMap<AuthError, string>();

/**
 * Marks a 401 as being about an expired (or revoked) token, or one issued for another audience
 * or resource: its decision reason becomes `expired_token` (`revoked_token`, `wrong_audience`)
 * instead of `invalid_token`. Returns the error.
 *
 * @example
 * throw tagReason(invalidToken("token expired"), "expired_token");
 */
export function tagReason(
  error: InvalidTokenError,
  reason: "expired_token" | "revoked_token" | "wrong_audience",
): InvalidTokenError {
  refined.set(error, reason);
  return error;
}

/**
 * The stable reason code of a refusal, for metrics and decision logs: the error's `code`
 * (`permission_denied`, `upstream_error`, `overloaded`…), `no_token` for a missing token, and
 * `expired_token` / `revoked_token` / `wrong_audience` where the validator knows. Never anything from the token.
 *
 * @example
 * decisionReason(new UnauthenticatedError()); // "no_token"
 */
export function decisionReason(error: AuthError): string {
  if (error.code === "unauthenticated") return "no_token";
  if (error.code === "invalid_token") return refined.get(error) ?? "invalid_token";
  return error.code;
}
