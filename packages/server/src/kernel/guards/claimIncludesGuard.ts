import { readClaim } from "../claimPath.js";
import { claimsOf } from "../claimsOf.js";
import { ConfigurationError } from "../errors.js";
import type { Guard } from "../Guard.js";
import { InsufficientClaimsError } from "../InsufficientClaimsError.js";
import { requireUser } from "../RequestAuthState.js";
import { assertClaimValues, type ClaimValue, claimName } from "./claimName.js";

/**
 * `claimIncludes` guard: the claim (an array, or a space-separated string such as `scope`)
 * must hold every one of `values`; 401 without a user, 403 `insufficient_claims` otherwise.
 *
 * @example
 * const guard = claimIncludesGuard("groups", ["staff", "billing"]);
 */
export function claimIncludesGuard(name: string, values: readonly ClaimValue[]): Guard {
  const path = claimName(name, "claimIncludes");
  const wanted = assertClaimValues(values, "claimIncludes");
  if (wanted.length === 0) {
    throw new ConfigurationError("claimIncludes: give at least one value the claim must hold.");
  }
  return (state) => {
    const user = requireUser(state);
    const actual = readClaim(claimsOf(user), path);
    const held: readonly unknown[] = Array.isArray(actual)
      ? actual
      : typeof actual === "string"
        ? actual.split(" ")
        : [];
    if (wanted.every((value) => held.includes(value))) return user;
    throw new InsufficientClaimsError(
      name,
      actual === undefined
        ? `The access token has no '${name}' claim, which this endpoint requires.`
        : `The access token's '${name}' claim lacks ${wanted.length === 1 ? "the value" : "one of the values"} this endpoint requires.`,
    );
  };
}
