import type { JWTPayload } from "jose";

/** Keycloak marks its ID, refresh and logout tokens in a `typ` claim (access tokens: Bearer). */
const KEYCLOAK_NOT_ACCESS = new Set(["id", "refresh", "logout", "offline"]);

/** Claims only an OpenID Connect ID token carries (OIDC Core 3.1.3.6, 3.3.2.11). */
const ID_TOKEN_CLAIMS = ["nonce", "at_hash", "c_hash"] as const;

/**
 * What tells an access token from the provider's other JWTs (same keys, same issuer).
 *
 * @example
 * const rules: AccessTokenRules = { requireAtJwt: false, browserClientIds: new Set(["spa"]) };
 */
export interface AccessTokenRules {
  /** RFC 9068: the header's `typ` must be `at+jwt` (or `application/at+jwt`). */
  requireAtJwt: boolean;
  /** Client ids of browser apps: a token whose `aud` names one is their ID token. */
  browserClientIds: ReadonlySet<string>;
}

/**
 * Why a verified JWT is plainly not an access token, or undefined. An explicitly typed JWT
 * (RFC 8725 `typ: <kind>+jwt`) of another kind (`logout+jwt`, `secevent+jwt`, `dpop+jwt`…);
 * without `typ: at+jwt` when it is required; an ID token presented as a Bearer token (`nonce`,
 * `at_hash`, `c_hash`, or an `aud` naming a browser client); a Keycloak ID / refresh token.
 * Keycloak before 25 copied the `nonce` into access tokens, which it marks `typ: Bearer`.
 *
 * @example
 * accessTokenRefusal({ typ: "logout+jwt" }, payload, rules); // "a logout+jwt token …"
 */
export function accessTokenRefusal(
  header: { typ?: unknown },
  payload: JWTPayload,
  rules: AccessTokenRules,
): string | undefined {
  const typ = typeof header.typ === "string" ? mediaType(header.typ) : undefined;
  const typedAccess = typ === "at+jwt";
  if (typ?.endsWith("+jwt") && !typedAccess) {
    return `a ${typ} token is not an access token (its typ header says so)`;
  }
  if (rules.requireAtJwt && !typedAccess) {
    return "the token's typ header is not at+jwt, which AUTH_REQUIRE_AT_JWT (requireAccessTokenType) requires (RFC 9068 access tokens)";
  }
  const kind = typeof payload.typ === "string" ? payload.typ.toLowerCase() : undefined;
  if (kind !== undefined && KEYCLOAK_NOT_ACCESS.has(kind)) {
    return `a ${payload.typ} token is not an access token`;
  }
  if (typedAccess || kind === "bearer") return undefined;
  for (const marker of ID_TOKEN_CLAIMS) {
    if (Object.hasOwn(payload, marker)) {
      return `an ID token is not an access token (it carries ${marker}); send the access token`;
    }
  }
  if (namesBrowserClient(payload.aud, rules.browserClientIds)) {
    return "an ID token is not an access token (its aud names a browser client); send the access token";
  }
  return undefined;
}

/** The `typ` header lower-cased, without an `application/` prefix (RFC 7515 §4.1.9). */
function mediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith("application/") ? lower.slice("application/".length) : lower;
}

// Runs on every verified token: no list or closure is built for `aud`.
function namesBrowserClient(aud: unknown, browserClientIds: ReadonlySet<string>): boolean {
  if (browserClientIds.size === 0) return false;
  if (typeof aud === "string") return browserClientIds.has(aud);
  return Array.isArray(aud) && aud.some((value) => browserClientIds.has(value));
}
