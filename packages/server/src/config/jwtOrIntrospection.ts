import { invalidToken } from "../kernel/errors.js";
import { signedPart } from "../kernel/tokenIdentity.js";
import type { RequestContext, TokenValidator, Verification } from "../kernel/types.js";

/**
 * Whether an introspection answer's `iss` names an issuer the JWT side trusts (many issuers:
 * listed, a template's tenant, or the resolver's answer for this request).
 *
 * @example
 * const trusts: TrustsIssuer = (iss, ctx) => multiIssuer.trusts(iss, ctx);
 */
export type TrustsIssuer = (iss: string, ctx: RequestContext) => Promise<boolean>;

/**
 * Mixed mode: a compact JWS is verified locally by `jwt` (and refused there if it does not
 * verify, never sent anywhere), any other token is introspected (never shown to a JWKS). One
 * validator to the core, so both kinds share the cache, single flight, the Redis level and
 * revocation. With many issuers, `trustsIssuer` checks the `iss` of introspection answers
 * (the introspection validator then has no issuer of its own).
 *
 * @example
 * const validator = jwtOrIntrospection(jwtValidator, introspectionValidator);
 */
export function jwtOrIntrospection(
  jwt: TokenValidator,
  introspection: TokenValidator,
  trustsIssuer?: TrustsIssuer,
): TokenValidator {
  const opaque =
    trustsIssuer === undefined ? introspection : checkingIssuer(introspection, trustsIssuer);
  const pick = (token: string) => (signedPart(token) === token ? opaque : jwt);
  const scope = combinedScope(jwt, introspection);
  const identity = combinedIdentity(jwt, introspection);
  // Both halves must check the same resource, or the API as a whole does not (createAuth refuses).
  const resource = jwt.resource === introspection.resource ? jwt.resource : undefined;
  return {
    name: jwt.name,
    ...(identity === undefined ? {} : { identity }),
    ...(scope === undefined ? {} : { scope }),
    ...(resource === undefined ? {} : { resource }),
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
    useTelemetry: (telemetry) => {
      jwt.useTelemetry?.(telemetry);
      introspection.useTelemetry?.(telemetry);
    },
  };
}

type Checker = Pick<TokenValidator, "verify" | "hasPermission">;

/** Introspection whose answers must name (when they name one) an issuer the API trusts. */
function checkingIssuer(introspection: TokenValidator, trusts: TrustsIssuer): Checker {
  return {
    verify: async (token, ctx) => {
      const verification: Verification = await introspection.verify(token, ctx);
      const iss = verification.user.claims?.iss;
      if (iss === undefined) return verification;
      if (typeof iss === "string" && (await trusts(iss, ctx))) return verification;
      throw invalidToken("the introspection answer's issuer (iss) is not trusted by this API");
    },
    hasPermission: (token, verification, permission, ctx) =>
      introspection.hasPermission(token, verification, permission, ctx),
  };
}

/**
 * Answers may share Redis only when both halves declare what decides them (a resolver without
 * `cacheScope` depends on the app's own data).
 */
function combinedIdentity(jwt: TokenValidator, introspection: TokenValidator) {
  if (jwt.identity === undefined || introspection.identity === undefined) return undefined;
  return JSON.stringify({ jwt: jwt.identity, introspection: introspection.identity });
}

/** The request's partition: a resolver's headers also decide which `iss` an answer may name. */
function combinedScope(
  ...validators: TokenValidator[]
): ((ctx: RequestContext) => string) | undefined {
  const scoped = validators.filter((validator) => validator.scope !== undefined);
  const scopeOf = (validator: TokenValidator, ctx: RequestContext) => validator.scope?.(ctx) ?? "";
  const [only] = scoped;
  if (only === undefined) return undefined;
  if (scoped.length === 1) return (ctx) => scopeOf(only, ctx);
  return (ctx) => JSON.stringify(scoped.map((validator) => scopeOf(validator, ctx)));
}
