import { claimsOf } from "../claimsOf.js";
import { ConfigurationError, InsufficientUserAuthenticationError } from "../errors.js";
import type { Guard } from "../Guard.js";
import type { AuthCore } from "../RequestAuthState.js";
import { requireUser } from "../RequestAuthState.js";
import type { User } from "../user.js";
import { assertNames } from "./assertNames.js";

/**
 * What a route requires of the user's sign-in (RFC 9470 step-up): an `acr` among `acr`, and/or
 * an `auth_time` at most `maxAge` seconds ago.
 *
 * @example
 * const options: AuthLevelOptions = { acr: ["mfa"], maxAge: 300 };
 * app.post("/workspace/delete", requireAuthLevel(options), handler);
 */
export interface AuthLevelOptions {
  /** Acceptable authentication context classes (`acr`), in order of preference. */
  acr?: readonly string[];
  /** The longest time, in seconds, since the user signed in (`auth_time`). */
  maxAge?: number;
}

/** The sign-in facts the guard reads: the token's claims, else the proxy's get-me fields. */
function signInFacts(user: User): { acr: unknown; authTime: unknown } {
  const claims = claimsOf(user);
  return { acr: claims.acr, authTime: claims.auth_time };
}

/** Checks the options when the route is declared; the error says how to write them. */
function checked(options: AuthLevelOptions): { acr?: string[]; maxAge?: number } {
  const { acr, maxAge } = options ?? {};
  if (acr === undefined && maxAge === undefined) {
    throw new ConfigurationError(
      "requireAuthLevel needs `acr` (acceptable acr values) and/or `maxAge` (seconds since sign-in).",
    );
  }
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    throw new ConfigurationError(
      `requireAuthLevel: maxAge must be a whole number of seconds >= 0, got ${String(maxAge)}.`,
    );
  }
  return {
    ...(acr === undefined ? {} : { acr: assertNames(acr, "acr value") }),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/**
 * Step-up guard (RFC 9470): 401 `insufficient_user_authentication` when the user's `acr` is not
 * acceptable or their `auth_time` is older than `maxAge` (the validator's clock tolerance
 * applies; no `auth_time` is too old). Options are checked at once.
 *
 * @example
 * const guard = authLevelGuard({ acr: ["mfa"] })(auth);
 */
export function authLevelGuard(options: AuthLevelOptions): (auth: AuthCore) => Guard {
  const { acr, maxAge } = checked(options);
  const requirement = { acrValues: acr, maxAge };
  return (auth) => (state) => {
    const user = requireUser(state);
    const facts = signInFacts(user);
    if (acr !== undefined && !(typeof facts.acr === "string" && acr.includes(facts.acr))) {
      throw new InsufficientUserAuthenticationError(
        requirement,
        "A different authentication level is required",
      );
    }
    if (maxAge !== undefined && !recentEnough(facts.authTime, maxAge, auth.clockToleranceSeconds)) {
      throw new InsufficientUserAuthenticationError(
        requirement,
        "More recent authentication is required",
      );
    }
    return user;
  };
}

/**
 * Whether `authTime` (epoch seconds) is within `maxAge` of now, give or take the tolerance. Not
 * `tokenAgeRefusal`: step-up is about the sign-in, so `auth_time` only, never `iat` (a refresh
 * renews `iat`).
 */
function recentEnough(authTime: unknown, maxAge: number, toleranceSeconds: number): boolean {
  if (typeof authTime !== "number" || !Number.isFinite(authTime)) return false;
  const age = Date.now() / 1000 - authTime;
  // A sign-in dated in the future (beyond the tolerance) is not trusted either.
  return age <= maxAge + toleranceSeconds && age >= -toleranceSeconds;
}
