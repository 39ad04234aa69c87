import type { Ctx } from "./context.js";
import { randomToken } from "./random.js";
import type { SignOptions } from "./signer.js";

/**
 * What tells the mock's access tokens apart: their claims, lifetime and signing options.
 *
 * @example
 * const spec: AccessTokenSpec = {
 *   claims: { sub: "ada", scope: "openid" },
 *   expiresIn: 300,
 *   sign: { typ: "at+jwt" },
 * };
 */
export interface AccessTokenSpec {
  /** Claims besides `iss`, `aud`, `iat` and `exp` (the signer's); a fresh `jti` always wins. */
  claims: Record<string, unknown>;
  /** Lifetime in seconds, from `issuedAt`. */
  expiresIn: number;
  /** `iat` in Unix seconds; default now (a deliberately expired token is issued in the past). */
  issuedAt?: number;
  /** Header and registered claims: `typ` (`JWT` for the proxy API, `at+jwt` for OpenID), `aud`… */
  sign: SignOptions;
}

/**
 * Mint an access token: every access token of the mock (proxy API sessions, the OpenID
 * provider's grants, tokens on demand) is made here, each with its own random `jti`.
 *
 * @example
 * const token = await mintAccessToken(ctx, { claims: { sub: "ada" }, expiresIn: 60, sign: {} });
 */
export function mintAccessToken(ctx: Ctx, spec: AccessTokenSpec): Promise<string> {
  const iat = spec.issuedAt ?? Math.floor(ctx.now() / 1000);
  const claims = { ...spec.claims, jti: randomToken(16) };
  return ctx.signer.sign(claims, iat, iat + spec.expiresIn, spec.sign);
}
