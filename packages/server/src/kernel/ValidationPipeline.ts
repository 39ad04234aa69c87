import { LRUCache } from "lru-cache";
import { type AuthError, InvalidTokenError } from "./errors.js";
import type { FleetLevel } from "./FleetLevel.js";
import type { FleetEvent } from "./fleetEvents.js";
import type { Platform } from "./platform.js";
import { eventMatches, factsOf, RevocationList, type TokenFacts } from "./RevocationList.js";
import { type AuthSettings, DEFAULT_LIMITS, type LimitSettings } from "./settings.js";
import { toAuthError } from "./toAuthError.js";
import type { RequestContext, TokenValidator, Verification } from "./types.js";
import { UpstreamLimiter } from "./UpstreamLimiter.js";

interface Expiring {
  expiresAt: number;
}
interface CachedUser extends Expiring {
  verification: Verification;
  facts: TokenFacts;
}
interface CachedFailure extends Expiring {
  error: AuthError;
}
interface CachedGrant extends Expiring {
  granted: boolean;
}

/**
 * The one cache / negative cache / single-flight layer every validator runs behind.
 * Keys are sha256(scope + token): raw tokens never become keys, and a token vouched for by one
 * upstream (scope) is never served for another. Upstream failures (502) are never cached.
 */
export class ValidationPipeline {
  private readonly users: LRUCache<string, CachedUser>;
  private readonly failures: LRUCache<string, CachedFailure>;
  private readonly grants: LRUCache<string, CachedGrant>;
  private readonly inflight = new Map<string, Promise<Verification>>();
  private readonly grantsInflight = new Map<string, Promise<boolean>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly limiter: UpstreamLimiter;
  private readonly revocationTtlMs: number;
  /** Revocations and invalidations seen here: refuses answers that land after an event. */
  readonly revocations = new RevocationList();
  /** The second level (Redis), once attached; undefined: this process alone. */
  private fleet: FleetLevel | undefined;

  constructor(
    private readonly validator: TokenValidator,
    settings: AuthSettings,
    private readonly platform: Platform,
    private readonly now: () => number = Date.now,
    limits: LimitSettings = DEFAULT_LIMITS,
  ) {
    const max = settings.cacheMaxEntries;
    this.users = new LRUCache({ max });
    this.failures = new LRUCache({ max });
    this.grants = new LRUCache({ max });
    this.ttlMs = settings.cacheTtlSeconds * 1000;
    this.negativeTtlMs = settings.negativeCacheTtlSeconds * 1000;
    this.revocationTtlMs = limits.revocationTtlSeconds * 1000;
    this.limiter = new UpstreamLimiter({
      maxConcurrent: limits.upstreamMaxConcurrency,
      maxQueue: limits.upstreamMaxQueue,
      retryAfterSeconds: 1,
    });
  }

  /** Plugs the second level in: its events purge this level; a resync empties it. */
  attachFleet(fleet: FleetLevel): void {
    this.fleet = fleet;
    fleet.onEvent((event) => this.apply(event));
    fleet.onResync(() => this.clear());
  }

  /** The attached second level, if any. */
  get fleetLevel(): FleetLevel | undefined {
    return this.fleet;
  }

  /** The hash a token's revocation travels as. */
  tokenHash(token: string): string {
    return this.platform.sha256Hex(token);
  }

  /**
   * Applies a revocation or invalidation here: remembered (so answers still in flight are
   * refused when they land) and every matching cached answer dropped.
   */
  apply(event: FleetEvent): void {
    const ttl = event.type === "revoke" ? this.revocationTtlMs : Math.max(this.ttlMs, 1000);
    this.revocations.apply(event, ttl);
    if (event.type === "invalidate" && event.all === true) {
      this.users.clear();
      this.grants.clear();
      return;
    }
    const dropped: string[] = [];
    for (const [key, entry] of this.users.entries()) {
      if (eventMatches(event, entry.facts)) dropped.push(key);
    }
    for (const key of dropped) this.users.delete(key);
    if (dropped.length === 0) return;
    const prefixes = dropped.map((key) => `${key}\0`);
    for (const grantKey of [...this.grants.keys()]) {
      if (prefixes.some((prefix) => grantKey.startsWith(prefix))) this.grants.delete(grantKey);
    }
  }

  /** Forgets every cached answer (events may have been missed). */
  clear(): void {
    this.users.clear();
    this.grants.clear();
    this.failures.clear();
  }

  /** The facts of a cached user (for WebSocket watches), or undefined. */
  factsFor(key: string): TokenFacts | undefined {
    return this.users.get(key)?.facts;
  }

  /** The cache key of a token under a scope: its sha256, never the token itself. */
  keyFor(scope: string, token: string): string {
    return this.platform.sha256Key(`${scope}\n${token}`);
  }

  /** A fresh cached outcome (verification or the cached 401), or undefined on a miss. */
  lookup(key: string): Verification | AuthError | undefined {
    const hit = this.users.get(key);
    if (hit !== undefined) {
      if (hit.expiresAt > this.now()) return hit.verification;
      this.users.delete(key);
    }
    const failure = this.failures.get(key);
    if (failure !== undefined) {
      if (failure.expiresAt > this.now()) return failure.error;
      this.failures.delete(key);
    }
    return undefined;
  }

  /** Validates upstream; concurrent calls for one key share a single call. Rejects AuthError. */
  verify(key: string, token: string, ctx: RequestContext): Promise<Verification> {
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    const call = this.callVerify(key, token, ctx);
    this.inflight.set(key, call);
    const settle = () => this.inflight.delete(key);
    call.then(settle, settle);
    return call;
  }

  /** Whether the principal holds `permission`; sync on a cache hit. Rejects/throws AuthError. */
  hasPermission(
    key: string,
    token: string,
    verification: Verification,
    permission: string,
    ctx: RequestContext,
  ): boolean | Promise<boolean> {
    const grantKey = `${key}\0${permission}`;
    const hit = this.grants.get(grantKey);
    if (hit !== undefined) {
      if (hit.expiresAt > this.now()) return hit.granted;
      this.grants.delete(grantKey);
    }
    const pending = this.grantsInflight.get(grantKey);
    if (pending !== undefined) return pending;
    const call = this.callPermission(key, grantKey, token, verification, permission, ctx);
    this.grantsInflight.set(grantKey, call);
    const settle = () => this.grantsInflight.delete(grantKey);
    call.then(settle, settle);
    return call;
  }

  private async callVerify(key: string, token: string, ctx: RequestContext): Promise<Verification> {
    try {
      const tokenHash = this.platform.sha256Hex(token);
      const call = () => this.limiter.run(() => this.validator.verify(token, ctx));
      const { verification, facts } =
        this.fleet === undefined
          ? await call().then((v) => ({
              verification: v,
              facts: factsOf(tokenHash, v, this.now(), token),
            }))
          : await this.fleet.verify(key, tokenHash, call, token);
      if (this.revocations.isRevoked(facts)) throw revokedToken();
      const expiresAt = Math.min(this.now() + this.ttlMs, verification.expiresAt ?? Infinity);
      if (this.ttlMs > 0 && expiresAt > this.now())
        this.users.set(key, { verification, facts, expiresAt });
      return verification;
    } catch (error) {
      throw this.remember(key, toAuthError(error));
    }
  }

  private async callPermission(
    key: string,
    grantKey: string,
    token: string,
    verification: Verification,
    permission: string,
    ctx: RequestContext,
  ): Promise<boolean> {
    try {
      const facts = this.users.get(key)?.facts;
      const shared =
        this.fleet === undefined || facts === undefined
          ? undefined
          : await this.fleet.readGrant(key, permission, facts);
      const granted =
        shared ??
        (await this.limiter.run(() =>
          this.validator.hasPermission(token, verification, permission, ctx),
        )) === true;
      if (shared === undefined) {
        this.fleet?.storeGrant(key, permission, granted, verification.expiresAt);
      }
      const expiresAt = Math.min(this.now() + this.ttlMs, verification.expiresAt ?? Infinity);
      if (this.ttlMs > 0 && expiresAt > this.now())
        this.grants.set(grantKey, { granted, expiresAt });
      return granted;
    } catch (error) {
      const normalized = toAuthError(error);
      // The upstream no longer accepts the token: stop serving its cached user too.
      if (normalized.status === 401) this.users.delete(key);
      throw this.remember(key, normalized);
    }
  }

  /** Negative-caches 401s (invalid tokens); never caches anything else. */
  private remember(key: string, error: AuthError): AuthError {
    if (error.status === 401 && this.negativeTtlMs > 0) {
      this.failures.set(key, { error, expiresAt: this.now() + this.negativeTtlMs });
    }
    return error;
  }
}

/** A revoked token gets an ordinary 401 invalid_token: the client signs in again. */
export function revokedToken(): InvalidTokenError {
  return new InvalidTokenError("The access token has been revoked; sign in again.");
}
