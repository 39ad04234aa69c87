import type { TokenValidator } from "../kernel/types.js";
import {
  IntrospectionValidator,
  type IntrospectionValidatorOptions,
} from "../validators/introspection/IntrospectionValidator.js";
import {
  type ClaimMapping,
  type ClaimMappingOptions,
  DEFAULT_CLAIM_MAPPING,
  grantsPermission,
  mapClaimsToUser,
  resolveClaimMapping,
} from "../validators/jwt/mapClaimsToUser.js";

/**
 * Options of {@link createIntrospectionValidator}: the validator's, with the claim mapping of
 * JWT mode (`claims`) instead of a mapper.
 *
 * @example
 * const options: IntrospectionOptions = {
 *   url: "https://id.example.com/oauth2/introspect",
 *   audience: "orders-api",
 *   client: { clientId: "orders-api", clientSecret: "…" },
 * };
 */
export interface IntrospectionOptions extends Omit<IntrospectionValidatorOptions, "claims"> {
  /** Where the `User` fields come from, as in JWT mode; RFC 7662 `username` backs `userName`. */
  claims?: ClaimMappingOptions;
}

/**
 * A validator for opaque (reference) access tokens: asks the authorization server's RFC 7662
 * introspection endpoint with this API's client credentials (`client_secret_basic`,
 * `client_secret_post` or `private_key_jwt`) and maps the answer to the same `User` as JWT mode.
 *
 * @example
 * const auth = createAuth({
 *   validator: createIntrospectionValidator({
 *     issuer: "https://id.example.com/",
 *     audience: "orders-api",
 *     client: { clientId: "orders-api", clientSecret: process.env.AUTH_CLIENT_SECRET },
 *   }),
 * });
 */
export function createIntrospectionValidator(
  options: IntrospectionOptions,
  baseClaims: Readonly<ClaimMapping> = DEFAULT_CLAIM_MAPPING,
): TokenValidator {
  const mapping = resolveClaimMapping(options.claims, withUsername(baseClaims));
  return new IntrospectionValidator({
    ...options,
    claims: {
      identity: JSON.stringify(mapping),
      toUser: (claims, provider) => mapClaimsToUser(claims, mapping, provider),
      grants: (user, permission) => grantsPermission(user, permission, mapping.permissionSources),
    },
  });
}

/** RFC 7662 names the user `username`: the fallback after the mapping's own paths. */
function withUsername(base: Readonly<ClaimMapping>): ClaimMapping {
  const known = base.userName.some((path) => path.length === 1 && path[0] === "username");
  return { ...base, userName: known ? base.userName : [...base.userName, ["username"]] };
}
