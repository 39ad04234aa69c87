import { readClaim } from "../claimPath.js";
import { claimsOf } from "../claimsOf.js";
import type { Guard } from "../Guard.js";
import { InsufficientClaimsError } from "../InsufficientClaimsError.js";
import { requireUser } from "../RequestAuthState.js";
import { assertClaimValues, type ClaimValue, claimName } from "./claimName.js";

/**
 * `claimEquals` guard: the claim (a name or dotted path) must be exactly `value`; 401 without
 * a user, 403 `insufficient_claims` otherwise.
 *
 * @example
 * const guard = claimEqualsGuard("org_id", "acme");
 */
export function claimEqualsGuard(name: string, value: ClaimValue): Guard {
  const path = claimName(name, "claimEquals");
  const [expected] = assertClaimValues([value], "claimEquals");
  return (state) => {
    const user = requireUser(state);
    const actual = readClaim(claimsOf(user), path);
    if (actual === expected) return user;
    throw new InsufficientClaimsError(
      name,
      actual === undefined
        ? `The access token has no '${name}' claim, which this endpoint requires.`
        : `The access token's '${name}' claim does not have the value this endpoint requires.`,
    );
  };
}
