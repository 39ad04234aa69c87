import { AuthClientError } from "./signInParts";

// A file of its own so that it stays in the lazy sign-in chunk, its only user.
/** The `login_failed` error for the auth API's machine `reason`. */
export function loginFailed(reason: unknown): AuthClientError {
  const r = typeof reason === "string" ? reason : "unknown";
  return new AuthClientError("login_failed", `Login failed (${r}); let the user try again.`, r);
}
