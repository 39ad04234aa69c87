import { LRUCache } from "lru-cache";

/**
 * Tokens revoked one by one (RFC 7009, logout of a token without a session), by `tokenHash`,
 * each until it expires. Bounded; an entry pushed out before its token expired is not forgotten:
 * every token issued before that moment and expiring no later is refused (fail closed).
 *
 * @example
 * const revoked = createRevokedTokens(10_000, () => Date.now());
 * revoked.add(await tokenHash(token), exp * 1000);
 * revoked.has(await tokenHash(token), iat * 1000, exp * 1000); // true
 */
export interface RevokedTokens {
  /** Refuse the token with this `tokenHash` until `expiresAt` (epoch ms). */
  add(hash: string, expiresAt: number): void;
  /** Whether a token (its hash, `iat` and `exp` in epoch ms) is revoked. */
  has(hash: string, issuedAt: number, expiresAt: number): boolean;
  /** Forget every revocation (reset). */
  clear(): void;
}

/** A set of at most `max` revocations on the clock `now`. */
export function createRevokedTokens(max: number, now: () => number): RevokedTokens {
  // What an eviction lost: tokens issued at or before `at` that expire by `until`.
  let lost = { at: Number.NEGATIVE_INFINITY, until: Number.NEGATIVE_INFINITY };
  const entries = new LRUCache<string, { expiresAt: number }>({
    max,
    perf: { now },
    ttlResolution: 0,
    dispose: (value, _key, reason) => {
      if (reason !== "evict" || value.expiresAt <= now()) return;
      lost = { at: now(), until: Math.max(lost.until, value.expiresAt) };
    },
  });
  return {
    add(hash, expiresAt) {
      // A ttl of 0 would mean "never expires": an already-due entry lives 1 ms instead.
      entries.set(hash, { expiresAt }, { ttl: Math.max(1, expiresAt - now()) });
    },
    has(hash, issuedAt, expiresAt) {
      return entries.has(hash) || (issuedAt <= lost.at && expiresAt <= lost.until);
    },
    clear() {
      entries.clear();
      lost = { at: Number.NEGATIVE_INFINITY, until: Number.NEGATIVE_INFINITY };
    },
  };
}
