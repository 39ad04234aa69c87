import { LRUCache } from "lru-cache";
import type { FleetEvent } from "./fleetEvents.js";
import type { Verification } from "./types.js";

/**
 * What revocations and invalidations are matched against, for one validated token: its hash,
 * subject, session and id, when it was issued (JWT `iat`, else when upstream vouched for it)
 * and when it was validated.
 */
export interface TokenFacts {
  tokenHash: string;
  sub?: string;
  sid?: string;
  jti?: string;
  issuedAt: number;
  validatedAt: number;
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

/**
 * The facts of a verification: `sub`/`sid`/`jti`/`iat` from the JWT claims (local JWT mode) or
 * from the token's own payload when an upstream vouched for a JWT-shaped token (proxy mode).
 */
export function factsOf(
  tokenHash: string,
  verification: Verification,
  validatedAt: number,
  token?: string,
): TokenFacts {
  const { user } = verification;
  const claims = user.claims ?? (token === undefined ? undefined : peekClaims(token));
  const iat = claims?.iat;
  const facts: TokenFacts = {
    tokenHash,
    issuedAt: typeof iat === "number" && Number.isFinite(iat) ? iat * 1000 : validatedAt,
    validatedAt,
  };
  const sub = claim(claims, "sub") ?? user.id ?? undefined;
  if (sub !== undefined && sub !== "") facts.sub = sub;
  const sid = claim(claims, "sid");
  if (sid !== undefined) facts.sid = sid;
  const jti = claim(claims, "jti");
  if (jti !== undefined) facts.jti = jti;
  return facts;
}

/** Whether a `sub`/`sid` revocation at `at` covers a token issued at `issuedAt`. */
export function coversIssue(at: number, issuedAt: number): boolean {
  return at >= issuedAt;
}

/**
 * The revocations and invalidations this process has seen, kept for as long as they matter, so
 * that an answer still in flight when an event arrived is refused when it lands. The in-process
 * half of revocation: it works without Redis (one instance) and in front of it.
 */
export class RevocationList {
  private readonly max: number;
  /**
   * Created with the first event: an LRU of 100,000 entries allocates its arrays up front, ~14 ms
   * that every cold start would pay although most processes never see a revocation.
   */
  private entries: LRUCache<string, number> | undefined;

  constructor(max = 100_000) {
    this.max = max;
  }

  /** Records an event for `ttlMs` (a revocation: the tokens' remaining life). */
  apply(event: FleetEvent, ttlMs: number): void {
    const key = keyOf(event);
    if (key === undefined || ttlMs <= 0) return;
    this.entries ??= new LRUCache({ max: this.max });
    const previous = this.entries.get(key) ?? 0;
    this.entries.set(key, Math.max(previous, event.at), { ttl: ttlMs });
  }

  /** Whether a revocation this process saw refuses the token. */
  isRevoked(facts: TokenFacts): boolean {
    const entries = this.entries;
    if (entries === undefined) return false;
    if (entries.has(`rt:${facts.tokenHash}`)) return true;
    if (facts.jti !== undefined && entries.has(`rj:${facts.jti}`)) return true;
    const bySub = facts.sub === undefined ? undefined : entries.get(`rs:${facts.sub}`);
    if (bySub !== undefined && coversIssue(bySub, facts.issuedAt)) return true;
    const bySid = facts.sid === undefined ? undefined : entries.get(`rd:${facts.sid}`);
    return bySid !== undefined && coversIssue(bySid, facts.issuedAt);
  }

  /** Whether an invalidation came after the answer was validated (so it must be asked again). */
  isStale(facts: TokenFacts): boolean {
    const entries = this.entries;
    if (entries === undefined) return false;
    const all = entries.get("ia");
    if (all !== undefined && all >= facts.validatedAt) return true;
    const bySub = facts.sub === undefined ? undefined : entries.get(`is:${facts.sub}`);
    return bySub !== undefined && bySub >= facts.validatedAt;
  }
}

/** Whether an event concerns a cached answer with these facts (revoked or stale). */
export function eventMatches(event: FleetEvent, facts: TokenFacts): boolean {
  if (event.type === "invalidate") {
    if (event.at < facts.validatedAt) return false;
    return event.all === true || (event.sub !== undefined && event.sub === facts.sub);
  }
  if (event.tokenHash !== undefined) return event.tokenHash === facts.tokenHash;
  if (event.jti !== undefined) return event.jti === facts.jti;
  if (!coversIssue(event.at, facts.issuedAt)) return false;
  if (event.sub !== undefined) return event.sub === facts.sub;
  return event.sid !== undefined && event.sid === facts.sid;
}

function keyOf(event: FleetEvent): string | undefined {
  if (event.type === "invalidate") {
    if (event.all === true) return "ia";
    return event.sub === undefined ? undefined : `is:${event.sub}`;
  }
  if (event.tokenHash !== undefined) return `rt:${event.tokenHash}`;
  if (event.jti !== undefined) return `rj:${event.jti}`;
  if (event.sub !== undefined) return `rs:${event.sub}`;
  return event.sid === undefined ? undefined : `rd:${event.sid}`;
}
