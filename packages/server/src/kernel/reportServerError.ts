import { decisionFields, isStructuredLogger } from "./decisionLog.js";
import { decisionReason } from "./decisionReason.js";
import { AuthError } from "./errors.js";
import type { AuthLogger } from "./settings.js";

/** Errors already logged: a failure shared by concurrent requests (single flight) logs once. */
const reported = new WeakSet<AuthError>();

/**
 * Overload refusals come in floods (thousands a second), each its own error: logging each would
 * turn an attack on the upstream into one on the logs. One line per window and logger, then one
 * line with how many more were refused.
 */
export const OVERLOAD_LOG_WINDOW_MS = 10_000;
const overloadWindows = new WeakMap<AuthLogger, { suppressed: number }>();

// A JWT (always starts with base64url `{"`) or a long opaque credential-like run.
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}|[A-Za-z0-9_+=-]{40,}/g;

/**
 * Logs the server-side detail of a 5xx AuthError (its message and causes: the client body is
 * generic) once per occurrence, through `logger.error` (else `warn`); a pino-compatible logger
 * also gets the decision's fields (reason code, status) first. Token-shaped text is redacted, so
 * a cause written by a custom adapter cannot leak a credential into the logs.
 */
export function reportServerError(logger: AuthLogger, error: unknown): void {
  if (!(error instanceof AuthError) || error.status < 500 || reported.has(error)) return;
  reported.add(error);
  if (
    (error.code === "overloaded" || error.code === "revocation_unavailable") &&
    throttled(logger)
  ) {
    return;
  }
  const line = `@org/auth-server: answered ${error.status} ${error.code}: ${describe(error)}`;
  const text = line.replace(TOKEN_LIKE, "[redacted]");
  if (isStructuredLogger(logger) && typeof logger.error === "function") {
    (logger.error as unknown as (fields: object, message: string) => void).call(
      logger,
      decisionFields(error, decisionReason(error)),
      text,
    );
    return;
  }
  write(logger, text);
}

/** Whether this overload line falls in an open window (counted, not logged); opens one if not. */
function throttled(logger: AuthLogger): boolean {
  const open = overloadWindows.get(logger);
  if (open !== undefined) {
    open.suppressed++;
    return true;
  }
  const window = { suppressed: 0 };
  overloadWindows.set(logger, window);
  const timer = setTimeout(() => {
    overloadWindows.delete(logger);
    if (window.suppressed === 0) return;
    write(
      logger,
      `@org/auth-server: answered 503 overloaded to ${window.suppressed} more requests in the last ${OVERLOAD_LOG_WINDOW_MS / 1000} s (one line per window).`,
    );
  }, OVERLOAD_LOG_WINDOW_MS);
  // Never keeps a process alive that is otherwise done (Node); other runtimes have no unref.
  (timer as { unref?: () => void }).unref?.();
  return false;
}

function write(logger: AuthLogger, text: string): void {
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
