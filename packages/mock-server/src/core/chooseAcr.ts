import type { Persona } from "../config/Persona.js";

/**
 * The authentication level (`acr`) a login reaches: the first of `requested` (space-separated
 * `acr_values`, in order of preference) that the mock supports and the user can reach, or
 * without a request the first level the user can reach. Undefined when nothing asked for is
 * reachable: the login fails with `unmet_authentication_requirements`. The configured user, and
 * a persona without `acrValues`, reach every supported level.
 *
 * @example
 * chooseAcr(["pwd", "mfa"], null, "mfa"); // "mfa"
 * chooseAcr(["pwd", "mfa"], { id: "v", acrValues: ["pwd"] }, "mfa"); // undefined
 */
export function chooseAcr(
  supported: readonly string[],
  persona: Pick<Persona, "acrValues"> | null,
  requested: string | null,
): string | undefined {
  const reachable = supported.filter((acr) => persona?.acrValues?.includes(acr) ?? true);
  if (requested === null) return reachable[0];
  return requested.split(" ").find((acr) => reachable.includes(acr));
}

/** The error a login gets when none of the requested `acr_values` can be reached. */
export const UNMET_ACR = "unmet_authentication_requirements";
