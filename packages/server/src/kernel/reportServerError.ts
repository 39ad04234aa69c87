import { AuthError } from "./errors.js";
import type { AuthLogger } from "./settings.js";

/** Errors already logged: a failure shared by concurrent requests (single flight) logs once. */
const reported = new WeakSet<AuthError>();

// A JWT (always starts with base64url `{"`) or a long opaque credential-like run.
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}|[A-Za-z0-9_+=-]{40,}/g;

/**
 * Logs the server-side detail of a 5xx AuthError (its message and causes: the client body is
 * generic) once per occurrence, through `logger.error` (else `warn`). Token-shaped text is
 * redacted, so a cause written by a custom adapter cannot leak a credential into the logs.
 */
export function reportServerError(logger: AuthLogger, error: unknown): void {
  if (!(error instanceof AuthError) || error.status < 500 || reported.has(error)) return;
  reported.add(error);
  const line = `@org/auth-server: answered ${error.status} ${error.code}: ${describe(error)}`;
  const text = line.replace(TOKEN_LIKE, "[redacted]");
  if (typeof logger.error === "function") logger.error(text);
  else logger.warn(text);
}

/** The message and up to three causes, one line. */
function describe(error: Error): string {
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && cause !== undefined && cause !== null; depth++) {
    parts.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(" — caused by ").replace(/[\r\n]+/g, " ");
}
