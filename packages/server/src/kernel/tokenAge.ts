/**
 * When the token's user authenticated, in epoch seconds: `auth_time`, else the token's `iat`;
 * undefined when neither is a finite number. The one reading of a token's age, shared by
 * `maxTokenAge` and step-up checks.
 *
 * @example
 * authenticatedAt({ iat: 1700000000 }); // 1700000000
 * authenticatedAt({ auth_time: 1699990000, iat: 1700000000 }); // 1699990000
 */
export function authenticatedAt(claims: Readonly<Record<string, unknown>>): number | undefined {
  const authTime = claims.auth_time;
  if (typeof authTime === "number" && Number.isFinite(authTime)) return authTime;
  const iat = claims.iat;
  return typeof iat === "number" && Number.isFinite(iat) ? iat : undefined;
}

/**
 * Why a token is too old for `maxAgeSeconds` (its `auth_time`, else `iat`, more than that many
 * seconds ago, with `toleranceSeconds` of clock difference allowed either way), or undefined
 * when it is young enough. A token without either claim, or dated in the future, is refused:
 * its age is unknown.
 *
 * @example
 * const reason = tokenAgeRefusal(user.claims ?? {}, 300, 60, Date.now());
 * if (reason !== undefined) throw invalidToken(reason);
 */
export function tokenAgeRefusal(
  claims: Readonly<Record<string, unknown>>,
  maxAgeSeconds: number,
  toleranceSeconds: number,
  nowMs: number,
): string | undefined {
  const at = authenticatedAt(claims);
  if (at === undefined) {
    return "the token carries neither auth_time nor iat, so its age is unknown; this endpoint accepts tokens up to a maximum age only";
  }
  const age = nowMs / 1000 - at;
  if (age < -toleranceSeconds) return "the token is dated in the future (auth_time / iat)";
  if (age > maxAgeSeconds + toleranceSeconds) {
    return `the token is older than this endpoint accepts (${maxAgeSeconds} s since ${claims.auth_time === at ? "sign-in (auth_time)" : "issue (iat)"}); sign in again or refresh the token`;
  }
  return undefined;
}
