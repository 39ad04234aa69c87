import type { JWTVerifyGetKey } from "jose";
import { ASYMMETRIC_ALGORITHMS } from "../kernel/asymmetricAlgorithms.js";
import { AuthError, InvalidRequestError } from "../kernel/errors.js";

/** The member of `events` that makes a JWT a back-channel logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/**
 * How to check a logout token: the identity provider's issuer, this app's client id(s) as
 * audience, and the provider's signing keys (the same JWKS that access tokens are checked with).
 *
 * @example
 * const options: LogoutTokenOptions = { issuer, audience: "orders-web", getKey: jwks };
 */
export interface LogoutTokenOptions {
  issuer: string;
  audience: string | readonly string[];
  getKey: JWTVerifyGetKey;
  /** Accepted JWS algorithms (default: RS256, PS256, ES256, EdDSA and their longer variants). */
  algorithms?: readonly string[];
  /** Oldest accepted `iat`, in seconds (default 120). */
  maxAgeSeconds?: number;
  /** Clock skew tolerated, in seconds (default 30). */
  clockToleranceSeconds?: number;
}

/** What a valid logout token asks for: end session `sid`, or every session of `sub`. */
export interface LogoutRequest {
  iss: string;
  jti: string;
  sub?: string;
  sid?: string;
  /** Epoch seconds after which the `jti` need no longer be remembered. */
  exp: number;
}

/** The `typ` header values real providers put on logout tokens (lower-cased). */
const LOGOUT_TYPES = new Set(["logout+jwt", "application/logout+jwt", "jwt", "application/jwt"]);
/** Keycloak's `typ` claim of its other tokens (lower-cased). */
const NOT_LOGOUT_CLAIM_TYPES = new Set(["bearer", "id", "refresh", "offline"]);

const DEFAULT_MAX_AGE_SECONDS = 120;
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * How long a verified logout token's `jti` must be remembered from `now` (epoch ms) so that a
 * replay is caught: until the token could no longer pass {@link verifyLogoutToken} (its `exp`,
 * or the end of its `iat` window, plus the clock tolerance), at least one second.
 *
 * @example
 * const ttlMs = replayWindowMs(request.exp, Date.now());
 */
export function replayWindowMs(
  exp: number,
  now: number,
  options: Pick<LogoutTokenOptions, "maxAgeSeconds" | "clockToleranceSeconds"> = {},
): number {
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  // A token passes the iat check for at most maxAge + 2 × tolerance after it is first seen.
  const untilExp = (exp + tolerance) * 1000 - now;
  return Math.max(1000, Math.min(untilExp, (maxAge + 2 * tolerance) * 1000));
}

function refuse(reason: string): InvalidRequestError {
  return new InvalidRequestError(`The logout_token is not valid: ${reason}.`);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 1024;
}

/**
 * Validates a back-channel logout token as OIDC Back-Channel Logout 1.0 §2.6 requires:
 * signature (asymmetric algorithms only), `iss`, `aud`, `iat` (recent), `jti`, the `events`
 * member, `sid` and/or `sub`, and no `nonce`. Replay (`jti` seen before) is checked by the
 * caller. Throws InvalidRequestError (400) saying what is wrong; never echoes the token.
 */
export async function verifyLogoutToken(
  token: string,
  options: LogoutTokenOptions,
): Promise<LogoutRequest> {
  // jose loads with the first logout token: a proxy-mode app never imports it.
  const { decodeProtectedHeader, jwtVerify } = await import("jose");
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    throw refuse("it is not a JWS");
  }
  // Explicit typing (logout+jwt) keeps other JWTs of the provider from passing as logout tokens;
  // providers that predate it send "JWT" (Keycloak before 25, Authentik before 2025.12, Auth0,
  // Okta) or nothing. An access token's at+jwt and anything else are refused.
  if (typ !== undefined && !LOGOUT_TYPES.has(String(typ).toLowerCase())) {
    throw refuse(`its typ header is "${String(typ).slice(0, 40)}", expected logout+jwt or JWT`);
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, options.getKey, {
      issuer: options.issuer,
      audience: [...(typeof options.audience === "string" ? [options.audience] : options.audience)],
      algorithms: [...(options.algorithms ?? ASYMMETRIC_ALGORITHMS)],
      maxTokenAge: options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
      clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iss", "aud", "iat", "jti"],
    }));
  } catch (error) {
    // The provider's keys could not be fetched: not the token's fault, so the provider retries.
    if (error instanceof AuthError && error.status >= 500) throw error;
    const code = (error as { code?: string }).code ?? "ERR_JWT_INVALID";
    throw refuse(`signature or claims check failed (${code})`);
  }
  const events = payload.events;
  if (typeof events !== "object" || events === null || Array.isArray(events)) {
    throw refuse("the events claim is missing");
  }
  const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw refuse(`events lacks the ${BACKCHANNEL_LOGOUT_EVENT} member`);
  }
  if ("nonce" in payload)
    throw refuse("it carries a nonce (it is an ID token, not a logout token)");
  // Keycloak types its tokens in a claim too: its access and ID tokens say Bearer and ID.
  if (typeof payload.typ === "string" && NOT_LOGOUT_CLAIM_TYPES.has(payload.typ.toLowerCase())) {
    throw refuse(`its typ claim is "${payload.typ.slice(0, 40)}" (not a logout token)`);
  }
  if (!nonEmpty(payload.jti)) throw refuse("jti is missing");
  const sub = payload.sub;
  const sid = payload.sid;
  if (sub !== undefined && !nonEmpty(sub)) throw refuse("sub must be a string");
  if (sid !== undefined && !nonEmpty(sid)) throw refuse("sid must be a string");
  if (sub === undefined && sid === undefined) throw refuse("it names neither sub nor sid");
  const iat = payload.iat as number;
  const exp =
    typeof payload.exp === "number"
      ? payload.exp
      : iat + (options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS);
  const request: LogoutRequest = { iss: payload.iss as string, jti: payload.jti, exp };
  if (sub !== undefined) request.sub = sub;
  if (sid !== undefined) request.sid = sid;
  return request;
}
