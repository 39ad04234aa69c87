import { LRUCache } from "lru-cache";
import type { FleetEvent } from "./fleetEvents.js";
import { eventMarkers, factMarkers } from "./revocationMarkers.js";
import type { TokenFacts } from "./TokenFacts.js";
import type { Verification } from "./types.js";

/** How a token was seen, for {@link factsOf}. */
export interface Sighting {
  tokenHash: string;
  spellingHash?: string;
  validatedAt: number;
  /** When the token was first seen (fleet-wide with Redis); used when it carries no `iat`. */
  firstSeenAt?: number;
  /** The raw token, to read a JWT-shaped token's claims when the upstream gave none. */
  token?: string;
}

function claim(claims: Readonly<Record<string, unknown>> | undefined, name: string) {
  const value = claims?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The payload of a JWT-shaped token, read without checking it, or undefined. Used only to match
 * revocations (refusing more), never to accept: an upstream has vouched for the token already.
 */
export function peekClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || (parts[1] as string).length > 8192) return undefined;
  try {
    const base64 = (parts[1] as string).replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A token's `iat` in epoch ms (JWT claims, or a JWT-shaped token's payload), else undefined. */
export function issuedAtOf(verification: Verification, token?: string): number | undefined {
  const claims = verification.user.claims ?? (token === undefined ? undefined : peekClaims(token));
  const iat = claims?.iat;
  return typeof iat === "number" && Number.isFinite(iat) ? iat * 1000 : undefined;
}

/**
 * The facts of a verification: `sub`/`sid`/`jti`/`iat` from the JWT claims (local JWT mode) or
 * from the token's own payload when an upstream vouched for a JWT-shaped token (proxy mode). A
 * token without `iat` counts as issued when it was first seen, never when it was last validated
 * (a cache expiry must not make a revoked session's token new again).
 */
export function factsOf(verification: Verification, seen: Sighting): TokenFacts {
  const { user } = verification;
  const claims = user.claims ?? (seen.token === undefined ? undefined : peekClaims(seen.token));
  const iat = claims?.iat;
  const facts: TokenFacts = {
    tokenHash: seen.tokenHash,
    issuedAt:
      typeof iat === "number" && Number.isFinite(iat)
        ? iat * 1000
        : Math.min(seen.firstSeenAt ?? seen.validatedAt, seen.validatedAt),
    validatedAt: seen.validatedAt,
  };
  if (seen.spellingHash !== undefined && seen.spellingHash !== seen.tokenHash) {
    facts.spellingHash = seen.spellingHash;
  }
  const iss = claim(claims, "iss");
  if (iss !== undefined) facts.iss = iss;
  const sub = claim(claims, "sub") ?? user.id ?? undefined;
  if (sub !== undefined && sub !== "") facts.sub = sub;
  if (typeof user.id === "string" && user.id !== "") facts.userId = user.id;
  const sid = claim(claims, "sid");
  if (sid !== undefined) facts.sid = sid;
  const jti = claim(claims, "jti");
  if (jti !== undefined) facts.jti = jti;
  return facts;
}

/**
 * Whether a `sub`/`sid`/`userId` revocation at `at` covers a token issued at `issuedAt`. The
 * clock tolerance widens it: an identity provider whose clock runs ahead dates its tokens later
 * than the revocation that should catch them.
 */
export function coversIssue(at: number, issuedAt: number, toleranceMs = 0): boolean {
  return at + toleranceMs >= issuedAt;
}

/**
 * The revocations and invalidations this process has seen, kept for as long as they matter, so
 * that an answer still in flight when an event arrived is refused when it lands. The in-process
 * half of revocation: it works without Redis (one instance) and in front of it.
 */
export class RevocationList {
  private readonly max: number;
  /** The clock tolerance applied to `sub`/`sid`/`userId` revocations (ms). */
  toleranceMs: number;
  /**
   * Created with the first event: an LRU of 100,000 entries allocates its arrays up front, ~14 ms
   * that every cold start would pay although most processes never see a revocation.
   */
  private entries: LRUCache<string, number> | undefined;
  /** Whether any event named an issuer: until one does, a lookup skips the scoped markers. */
  private scoped = false;

  constructor(max = 100_000, toleranceMs = 0) {
    this.max = max;
    this.toleranceMs = toleranceMs;
  }

  /** Records an event for `ttlMs` (never shortening what an earlier record of it kept). */
  apply(event: FleetEvent, ttlMs: number): void {
    if (ttlMs <= 0) return;
    if (event.iss !== undefined) this.scoped = true;
    for (const name of eventMarkers(event)) {
      this.entries ??= new LRUCache({ max: this.max });
      const previous = this.entries.get(name);
      const remaining = previous === undefined ? 0 : this.entries.getRemainingTTL(name);
      this.entries.set(name, Math.max(previous ?? 0, event.at), {
        ttl: Math.max(ttlMs, remaining),
      });
    }
  }

  /** Whether a revocation this process saw refuses the token. */
  isRevoked(facts: TokenFacts): boolean {
    const entries = this.entries;
    if (entries === undefined) return false;
    for (const { name, effect, scoped } of factMarkers(facts)) {
      if (effect === "invalidation" || (scoped && !this.scoped)) continue;
      const at = entries.get(name);
      if (at === undefined) continue;
      if (effect === "token" || coversIssue(at, facts.issuedAt, this.toleranceMs)) return true;
    }
    return false;
  }

  /** Whether an invalidation came after the answer was validated (so it must be asked again). */
  isStale(facts: TokenFacts): boolean {
    const entries = this.entries;
    if (entries === undefined) return false;
    for (const { name, effect, scoped } of factMarkers(facts)) {
      if (effect !== "invalidation" || (scoped && !this.scoped)) continue;
      const at = entries.get(name);
      if (at !== undefined && at >= facts.validatedAt) return true;
    }
    return false;
  }
}

/** Whether an event concerns a cached answer with these facts (revoked or stale). */
export function eventMatches(event: FleetEvent, facts: TokenFacts, toleranceMs = 0): boolean {
  const names = eventMarkers(event);
  return factMarkers(facts).some(({ name, effect }) => {
    if (!names.includes(name)) return false;
    if (effect === "token") return true;
    if (effect === "invalidation") return event.at >= facts.validatedAt;
    return coversIssue(event.at, facts.issuedAt, toleranceMs);
  });
}
