import { type ClaimPath, parseClaimPath } from "../claimPath.js";
import { ConfigurationError } from "../errors.js";

// Visible ASCII without quotes or backslashes: the name appears in WWW-Authenticate.
const NAME = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/**
 * Checks a claim name or dotted path given to a claim guard when the route is declared.
 *
 * @example
 * const path = claimName("org.id", "claimEquals"); // ["org", "id"]
 */
export function claimName(name: string, helper: string): ClaimPath {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new ConfigurationError(
      `${helper}: the claim name must be 1-256 visible characters without spaces, quotes or backslashes (e.g. "org_id" or "org.id").`,
    );
  }
  return parseClaimPath(name, helper);
}

/**
 * A value a claim is compared with: a JSON primitive.
 *
 * @example
 * const value: ClaimValue = "acme";
 */
export type ClaimValue = string | number | boolean | null;

/** Throws unless each value is a JSON primitive (objects never compare equal). */
export function assertClaimValues(values: readonly unknown[], helper: string): ClaimValue[] {
  for (const value of values) {
    const ok =
      value === null ||
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (!ok) {
      throw new ConfigurationError(
        `${helper}: compare claims with strings, finite numbers, booleans or null.`,
      );
    }
  }
  return values as ClaimValue[];
}
