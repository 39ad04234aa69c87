import type { AuthError } from "./errors.js";
import type { AuthLogger } from "./settings.js";

/**
 * The fields of one decision line (a refusal at debug, a 5xx at error): stable names, never a
 * token, a cookie or a user id.
 *
 * @example
 * const fields: DecisionLogFields = { event: "auth.decision", outcome: "refused", reason: "no_token", status: 401, code: "unauthenticated" };
 */
export interface DecisionLogFields {
  event: "auth.decision";
  outcome: "refused";
  /** The stable reason code (see the README's "Observability"). */
  reason: string;
  status: number;
  /** The error's `code`, as in the JSON body. */
  code: string;
}

/** A pino-compatible logger: `logger.debug(fields, message)`, levels it can be asked about. */
interface StructuredLogger {
  debug?(fields: object, message: string): void;
  error?(fields: object, message: string): void;
  isLevelEnabled?(level: string): boolean;
  bindings?(): unknown;
}

/**
 * The fields of the decision line about `error`.
 *
 * @example
 * decisionFields(new UnauthenticatedError(), "no_token");
 */
export function decisionFields(error: AuthError, reason: string): DecisionLogFields {
  return {
    event: "auth.decision",
    outcome: "refused",
    reason,
    status: error.status,
    code: error.code,
  };
}

/**
 * Writes one refusal (4xx) at debug level, to a logger that has `debug`: fields first and the
 * message second (pino's order) when it is pino-compatible, else the message alone (it names the
 * status and the reason). The default `console` gets none (its debug is stdout, and a refusal
 * per request would flood it); a pino logger below debug level costs one level check.
 *
 * @example
 * logRefusal(logger, error, "expired_token");
 */
export function logRefusal(logger: AuthLogger, error: AuthError, reason: string): void {
  const structured = logger as StructuredLogger;
  if (typeof structured.debug !== "function" || logger === console) return;
  if (structured.isLevelEnabled?.("debug") === false) return;
  const message = `@org/auth-server: refused ${error.status} ${reason}`;
  if (isStructuredLogger(logger)) structured.debug(decisionFields(error, reason), message);
  else (structured.debug as unknown as (message: string) => void).call(logger, message);
}

/**
 * Whether `logger` takes pino's `(fields, message)`: a pino (or pino-compatible) logger, told by
 * its `bindings()` method; any other logger receives the message alone, as before.
 *
 * @example
 * if (isStructuredLogger(logger)) logger.error(fields, line);
 */
export function isStructuredLogger(logger: AuthLogger): boolean {
  return typeof (logger as StructuredLogger).bindings === "function";
}
