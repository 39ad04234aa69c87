import { claimsOf } from "../claimsOf.js";
import { ConfigurationError } from "../errors.js";
import type { Guard } from "../Guard.js";
import { InsufficientClaimsError } from "../InsufficientClaimsError.js";
import { requireUser } from "../RequestAuthState.js";
import type { User } from "../user.js";

/**
 * A rule over the token's claims for `claimCheck`: only `true` lets the request through (any
 * other result, or a rejection, refuses it). In proxy mode the claims are the get-me answer.
 *
 * @example
 * const sameTenant: ClaimCheck = (claims) => claims.tid === process.env.TENANT_ID;
 */
export type ClaimCheck = (
  claims: Readonly<Record<string, unknown>>,
  user: User,
) => boolean | Promise<boolean>;

// Plain visible text: the description ends up in the body and in WWW-Authenticate.
const DESCRIPTION = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,200}$/;

/**
 * `claimCheck` guard: `check(claims, user)` must return true; 401 without a user, 403
 * `insufficient_claims` naming `description` otherwise.
 *
 * @example
 * const guard = claimCheckGuard((claims) => claims.email_verified === true, "a verified email");
 */
export function claimCheckGuard(check: ClaimCheck, description: string): Guard {
  if (typeof check !== "function") {
    throw new ConfigurationError("claimCheck: pass a function of the claims returning a boolean.");
  }
  if (typeof description !== "string" || !DESCRIPTION.test(description.trim())) {
    throw new ConfigurationError(
      'claimCheck: describe the rule in 1-200 plain characters without double quotes or backslashes (e.g. "a verified email"); clients see it when they are refused.',
    );
  }
  const refusal = () =>
    new InsufficientClaimsError(
      description,
      `The access token does not meet this endpoint's rule: ${description.trim()}.`,
    );
  return (state) => {
    const user = requireUser(state);
    const outcome = check(claimsOf(user), user);
    if (outcome === true) return user;
    if (outcome instanceof Promise) {
      return outcome.then((ok) => {
        if (ok === true) return user;
        throw refusal();
      });
    }
    throw refusal();
  };
}
