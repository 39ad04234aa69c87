import { tagReason } from "../kernel/decisionReason.js";
import { AuthError, invalidToken, upstreamError } from "../kernel/errors.js";
import { loadedJose } from "./loadJose.js";

/**
 * Maps jose's errors to the SDK's: anything about the token → 401, a broken key set → 502.
 * Non-jose errors pass through (the core turns them into 502). jose errors are not attached as
 * causes: claim failures carry the token's payload.
 */
export function fromJoseError(error: unknown): unknown {
  if (error instanceof AuthError) return error;
  const errors = loadedJose()?.errors;
  if (errors === undefined) return error;
  if (error instanceof errors.JWTExpired) {
    return tagReason(invalidToken("token expired"), "expired_token");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return invalidToken("token not yet valid (nbf)");
    if (error.claim === "exp") return invalidToken("token has no expiry (exp)");
    return invalidToken(`claim ${error.claim} is not accepted`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return invalidToken("algorithm not allowed");
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalidToken("signature verification failed");
  }
  if (error instanceof errors.JWKSInvalid) {
    return upstreamError("The identity provider's key set could not be used.");
  }
  // Every other jose error is about the token's shape (bad header, payload, crit, b64...).
  if (error instanceof errors.JOSEError) return invalidToken("malformed token");
  return error;
}
