import { AuthError, UpstreamError } from "./errors.js";

/** Anything thrown that is not an AuthError means "could not tell" → 502 (cause kept, unsent). */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  return new UpstreamError(undefined, { cause: error });
}
