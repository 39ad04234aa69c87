import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import type { OidcClient } from "../config/OidcClient.js";
import type { Ctx } from "../core/context.js";
import { keep } from "../core/Store.js";
import { OIDC_PATHS } from "./paths.js";

/** The `client_assertion_type` of RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The algorithms a client assertion may use: asymmetric only (no shared-secret HS*). */
export const ASSERTION_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];
/** An assertion lives at most this long (seconds): it is a one-request credential. */
const MAX_LIFETIME = 300;

/** The client id an assertion claims (`sub`), unverified: which client's keys to try. */
export function assertionSubject(assertion: string): string | undefined {
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === "string" ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a `private_key_jwt` assertion (RFC 7523 §3, OpenID Connect Core §9): signed by one of
 * the client's keys (asymmetric algorithms only), `iss` = `sub` = the client id, `aud` the
 * issuer, the token endpoint or the endpoint called, `exp` within five minutes, a `jti` never
 * seen before (kept until `exp`). Returns why it fails, or undefined when it holds.
 *
 * @example
 * const why = await verifyClientAssertion(ctx, client, assertion, "/oidc/introspect");
 */
export async function verifyClientAssertion(
  ctx: Ctx,
  client: OidcClient & { jwks: { keys: JsonWebKey[] } },
  assertion: string,
  endpointPath: string,
): Promise<string | undefined> {
  const base = ctx.settings.baseUrl;
  const audiences = [base, new URL(OIDC_PATHS.token, base).href, new URL(endpointPath, base).href];
  let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
  try {
    const keys = createLocalJWKSet({ keys: client.jwks.keys as never[] });
    ({ payload } = await jwtVerify(assertion, keys, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: audiences,
      requiredClaims: ["exp", "jti"],
      currentDate: new Date(ctx.now()),
    }));
  } catch {
    return "the client assertion does not verify (key, iss, sub, aud or exp)";
  }
  const now = ctx.now();
  const exp = (payload.exp as number) * 1000;
  if (exp - now > MAX_LIFETIME * 1000)
    return `the client assertion lives longer than ${MAX_LIFETIME} s`;
  const jti = `${client.clientId}\n${payload.jti as string}`;
  if (ctx.oidc.assertions.has(jti)) return "the client assertion was used before (jti)";
  keep(ctx.oidc.assertions, jti, { expiresAt: exp }, now);
  return undefined;
}
