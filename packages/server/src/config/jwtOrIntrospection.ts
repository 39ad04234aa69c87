import { signedPart } from "../kernel/tokenIdentity.js";
import type { TokenValidator } from "../kernel/types.js";

/**
 * Mixed mode: a compact JWS is verified locally by `jwt` (and refused there if it does not
 * verify, never sent anywhere), any other token is introspected. One validator to the core, so
 * both kinds share the cache, single flight, the Redis level and revocation.
 *
 * @example
 * const validator = jwtOrIntrospection(jwtValidator, introspectionValidator);
 */
export function jwtOrIntrospection(
  jwt: TokenValidator,
  introspection: TokenValidator,
): TokenValidator {
  const pick = (token: string) => (signedPart(token) === token ? introspection : jwt);
  return {
    name: jwt.name,
    identity: JSON.stringify({
      jwt: jwt.identity ?? null,
      introspection: introspection.identity ?? null,
    }),
    clockToleranceSeconds: Math.max(
      jwt.clockToleranceSeconds ?? 0,
      introspection.clockToleranceSeconds ?? 0,
    ),
    maxTokenLifetimeSeconds: Math.max(
      jwt.maxTokenLifetimeSeconds ?? 0,
      introspection.maxTokenLifetimeSeconds ?? 0,
    ),
    verify: (token, ctx) => pick(token).verify(token, ctx),
    hasPermission: (token, verification, permission, ctx) =>
      pick(token).hasPermission(token, verification, permission, ctx),
    close: async () => {
      await Promise.all([jwt.close?.(), introspection.close?.()]);
    },
  };
}
