import { claimsOf } from "../claimsOf.js";
import { ConfigurationError, invalidToken } from "../errors.js";
import type { Guard } from "../Guard.js";
import { failed, type RequestAuthState, requireUser } from "../RequestAuthState.js";
import { tokenAgeRefusal } from "../tokenAge.js";

/**
 * Checks a `maxTokenAge` setting (seconds): a positive number, or undefined for none.
 *
 * @example
 * const seconds = checkMaxTokenAge(options.maxTokenAge, "maxTokenAge");
 */
export function checkMaxTokenAge(seconds: unknown, source: string): number | undefined {
  if (seconds === undefined) return undefined;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigurationError(
      `${source} must be a number of seconds > 0 (how long after sign-in a token is accepted).`,
    );
  }
  return seconds;
}

/**
 * The state as a guard with `maxTokenAge` sees it: a user whose token is too old (its
 * `auth_time`, else `iat`) becomes a 401 invalid_token, exactly as an expired token.
 *
 * @example
 * const aged = ageLimitedState(state, 300, 60, Date.now());
 */
export function ageLimitedState(
  state: RequestAuthState,
  maxAgeSeconds: number,
  toleranceSeconds: number,
  nowMs: number,
): RequestAuthState {
  if (state.user === null) return state;
  const reason = tokenAgeRefusal(claimsOf(state.user), maxAgeSeconds, toleranceSeconds, nowMs);
  return reason === undefined ? state : failed(invalidToken(reason));
}

/**
 * `maxTokenAge` as a requirement of its own (WebSocket upgrades: `require`): 401 invalid_token
 * for a token older than `maxAgeSeconds` since sign-in (`auth_time`, else `iat`).
 *
 * @example
 * const recent = tokenAgeGuard(300, auth.clockToleranceSeconds);
 */
export function tokenAgeGuard(maxAgeSeconds: number, toleranceSeconds: number): Guard {
  const limit = checkMaxTokenAge(maxAgeSeconds ?? Number.NaN, "maxTokenAge") as number;
  return (state) => requireUser(ageLimitedState(state, limit, toleranceSeconds, Date.now()));
}
