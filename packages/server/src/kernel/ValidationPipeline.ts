import { LRUCache } from "lru-cache";
import type { HealthFacts, LimiterLoad } from "./AuthHealth.js";
import { tagReason } from "./decisionReason.js";
import {
  type AuthError,
  InvalidTokenError,
  OverloadedError,
  RevocationUnavailableError,
} from "./errors.js";
import type { FleetAnswer, FleetLevel } from "./FleetLevel.js";
import type { FleetEvent, RevocationTarget } from "./fleetEvents.js";
import type { Platform } from "./platform.js";
import { eventMatches, factsOf, issuedAtOf, peekClaims, RevocationList } from "./RevocationList.js";
import { type AuthSettings, DEFAULT_LIMITS, type LimitSettings } from "./settings.js";
import { NO_TELEMETRY, type Telemetry } from "./Telemetry.js";
import type { TokenFacts } from "./TokenFacts.js";
import { toAuthError } from "./toAuthError.js";
import { signedPart } from "./tokenIdentity.js";
import type { RequestContext, TokenValidator, Verification } from "./types.js";
import { type UpstreamLane, UpstreamLimiter } from "./UpstreamLimiter.js";

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

/** Tokens remembered as "first seen at" (no `iat`) and as "checked before" (bounded memory). */
const MEMORY_MAX = 100_000;
/** An expired answer stays usable as a fallback under overload for at most this long. */
const MAX_STALE_MS = 5 * 60_000;
/**
 * The `tokenHash` of facts whose token hashes are not computed yet (no revocation by token hash
 * seen so far; see `localAnswer`). Never a real hash: those are 64 hex characters.
 */
const UNHASHED = "";

/**
 * The one cache / negative cache / single-flight layer every validator runs behind.
 * Keys are sha256(validator identity + scope + token): raw tokens never become keys, and a token
 * vouched for by one upstream or under one configuration is never served for another. Upstream
 * failures (5xx) are never cached.
 */
export class ValidationPipeline {
  private readonly users: LRUCache<string, CachedUser>;
  private readonly failures: LRUCache<string, CachedFailure>;
  private readonly grants: LRUCache<string, CachedGrant>;
  /**
   * Validations in flight, by cache key. A null-prototype object, not a Map: measured on Node 20
   * (--trace-gc-nvp, JWT misses), a Map whose entries (promises) come and go on every miss made
   * each scavenge promote ~510 KB instead of ~60 KB; the object does not.
   */
  private readonly inflight: Record<string, Promise<Verification> | undefined> =
    Object.create(null);
  /** How many `callVerify` runs have ended (see `verify`). */
  private flightsEnded = 0;
  private readonly grantsInflight = new Map<string, Promise<boolean>>();
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly negativeTtlMs: number;
  private readonly limiter: UpstreamLimiter;
  private readonly limits: LimitSettings;
  private readonly toleranceMs: number;
  /** sha256 of the validator's identity; "" when it declares none. */
  private readonly identity: string;
  /** Revocations and invalidations seen here: refuses answers that land after an event. */
  readonly revocations: RevocationList;
  /** When this process first saw each token without `iat` (by identity hash). */
  private firstSeen: LRUCache<string, number> | undefined;
  /** Cache keys whose revocation markers this process read successfully, until their expiry. */
  private checked: LRUCache<string, number> | undefined;
  /**
   * Whether a revocation by token hash has reached this process: from then on every answer's
   * facts carry the token's hashes. Before it, a miss skips the two sha256 of the token (only
   * such a revocation reads them; `apply` drops the answers cached without them).
   */
  private tokenRevocationsSeen = false;
  /** The longest lifetime (exp − issued) of a token accepted here, for revocation memory. */
  private longestLifetimeMs = 0;
  /** The second level (Redis), once attached; undefined: this process alone. */
  private fleet: FleetLevel | undefined;
  /** Set while a configured second level is still connecting: validations wait for it. */
  private fleetPending: Promise<unknown> | undefined;
  /** When validations upstream last got an answer and last failed (for `auth.health()`). */
  private readonly upstreamSeen: HealthFacts["upstream"] = {
    answeredAt: undefined,
    failedAt: undefined,
  };

  constructor(
    private readonly validator: TokenValidator,
    settings: AuthSettings,
    private readonly platform: Platform,
    private readonly now: () => number = Date.now,
    limits: LimitSettings = DEFAULT_LIMITS,
    private readonly telemetry: Telemetry = NO_TELEMETRY,
  ) {
    const max = settings.cacheMaxEntries;
    this.users = new LRUCache({ max });
    this.failures = new LRUCache({ max });
    this.grants = new LRUCache({ max });
    this.ttlMs = settings.cacheTtlSeconds * 1000;
    this.staleMs = Math.min(this.ttlMs, MAX_STALE_MS);
    this.negativeTtlMs = settings.negativeCacheTtlSeconds * 1000;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.toleranceMs =
      (validator.clockToleranceSeconds ?? this.limits.clockToleranceSeconds) * 1000;
    this.revocations = new RevocationList(undefined, this.toleranceMs);
    this.identity =
      validator.identity === undefined
        ? ""
        : platform.sha256Hex(`${validator.name}\n${validator.identity}`);
    this.limiter = new UpstreamLimiter(
      {
        maxConcurrent: this.limits.upstreamMaxConcurrency,
        maxQueue: this.limits.upstreamMaxQueue,
        retryAfterSeconds: 1,
      },
      () => telemetry.limiterRefused(),
    );
  }

  /** The upstream limiter's load and bounds (metrics, `auth.health()`). */
  get limiterLoad(): LimiterLoad {
    const { active, queued } = this.limiter.load;
    return {
      active,
      queued,
      maxConcurrent: this.limits.upstreamMaxConcurrency,
      maxQueue: this.limits.upstreamMaxQueue,
      saturated: this.limiter.saturated,
    };
  }

  /** When validations upstream last got an answer and last failed (`auth.health()`). */
  get upstreamHealth(): Readonly<HealthFacts["upstream"]> {
    return this.upstreamSeen;
  }

  /** Whether a configured second level is still connecting. */
  get fleetConnecting(): boolean {
    return this.fleetPending !== undefined && this.fleet === undefined;
  }

  /** A second level is connecting: validations wait for it (bounded by its own connect wait). */
  expectFleet(pending: Promise<unknown>): void {
    const settled = pending.then(
      () => undefined,
      () => undefined,
    );
    this.fleetPending = settled;
    void settled.then(() => {
      if (this.fleetPending === settled) this.fleetPending = undefined;
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

  /** The hash a token's revocation travels as: of what identifies it, not of its spelling. */
  tokenHash(token: string): string {
    return this.platform.sha256Hex(signedPart(token));
  }

  /**
   * How long a revocation must be remembered: at least the configured time; a token until its
   * `exp`; a subject, user or session as long as the longest token accepted could live.
   */
  revocationTtlMs(target?: RevocationTarget): number {
    const floor = this.limits.revocationTtlSeconds * 1000;
    if (target !== undefined && "token" in target && typeof target.token === "string") {
      const exp = peekClaims(target.token)?.exp;
      if (typeof exp === "number" && Number.isFinite(exp)) {
        return Math.max(floor, exp * 1000 - this.now() + this.toleranceMs);
      }
    }
    const declared = (this.validator.maxTokenLifetimeSeconds ?? 0) * 1000;
    return Math.max(floor, Math.max(declared, this.longestLifetimeMs) + this.toleranceMs);
  }

  /**
   * Applies a revocation or invalidation here: remembered (so answers still in flight are
   * refused when they land) and every matching cached answer dropped.
   */
  apply(event: FleetEvent, ttlMs?: number): void {
    const ttl =
      event.type === "revoke" ? (ttlMs ?? this.revocationTtlMs()) : Math.max(this.ttlMs, 1000);
    this.revocations.apply(event, ttl);
    const byToken = event.type === "revoke" && event.tokenHash !== undefined;
    if (byToken) this.tokenRevocationsSeen = true;
    if (event.type === "invalidate" && event.all === true) {
      this.users.clear();
      this.grants.clear();
      return;
    }
    const dropped: string[] = [];
    for (const [key, entry] of this.users.entries()) {
      // An answer cached without its token's hashes may be the revoked token: dropped too.
      const unknown = byToken && entry.facts.tokenHash === UNHASHED;
      if (unknown || eventMatches(event, entry.facts, this.toleranceMs)) dropped.push(key);
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

  /** The facts of a cached user (for WebSocket watches), or undefined; `token`: the key's token. */
  factsFor(key: string, token: string): TokenFacts | undefined {
    const facts = this.users.get(key)?.facts;
    return facts === undefined ? undefined : this.hashed(facts, token);
  }

  /** The facts of a verification this pipeline did not cache (for WebSocket watches). */
  factsOfVerification(token: string, verification: Verification): TokenFacts {
    return factsOf(verification, {
      ...this.hashes(token),
      validatedAt: this.now(),
      firstSeenAt: this.firstSeen?.get(this.tokenHash(token)),
      token,
    });
  }

  /**
   * The cache key of a token under a scope: sha256 of the validator's identity, the scope and the
   * token, never the token itself.
   */
  keyFor(scope: string, token: string): string {
    return this.platform.sha256Key(`${this.identity}\n${scope}\n${token}`);
  }

  /** A fresh cached outcome (verification or the cached 401), or undefined on a miss. */
  lookup(key: string): Verification | AuthError | undefined {
    const hit = this.users.get(key);
    if (hit !== undefined) {
      if (hit.expiresAt > this.now()) {
        this.telemetry.cacheLookup("memory", "hit");
        return hit.verification;
      }
      // Kept a while as the fallback of a revalidation the limiter turns away (see verify).
      if (this.staleEntry(key, hit) === undefined) this.users.delete(key);
    }
    const failure = this.failures.get(key);
    if (failure !== undefined) {
      if (failure.expiresAt > this.now()) {
        this.telemetry.cacheLookup("memory", "negative_hit");
        return failure.error;
      }
      this.failures.delete(key);
    }
    this.telemetry.cacheLookup("memory", "miss");
    return undefined;
  }

  /** Validates upstream; concurrent calls for one key share a single call. Rejects AuthError. */
  verify(key: string, token: string, ctx: RequestContext): Promise<Verification> {
    const pending = this.inflight[key];
    if (pending !== undefined) return pending;
    const finished = this.flightsEnded;
    const call = this.callVerify(key, token, ctx);
    // callVerify takes its key out of `inflight` when it ends (no reaction of its own on every
    // miss); one that ended before returning (it threw before its first await) is not put in.
    if (this.flightsEnded === finished) this.inflight[key] = call;
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
    // Alone with room for new tokens (the common case), a slot is taken at once: which lane the
    // token would wait in does not matter then, nor does the overload fallback (looked up only
    // when the limiter is full). Nothing below can throw before the slot is released.
    const room =
      this.fleet === undefined && this.fleetPending === undefined && this.limiter.tryAcquire("new");
    const stale = room ? undefined : this.staleEntry(key);
    // A token validated recently waits in the lane kept for signed-in users.
    const lane: UpstreamLane =
      room || (stale === undefined && !this.wasChecked(key)) ? "new" : "known";
    let started = false;
    try {
      if (this.fleetPending !== undefined) await this.fleetPending;
      let answer: FleetAnswer;
      if (this.fleet === undefined) {
        // Alone: the slot is held around one await of the validator's own promise.
        if (!room) {
          const slot = this.limiter.acquire(lane);
          if (slot !== true) await slot;
        }
        started = true;
        let verification: Verification;
        try {
          verification = await this.validator.verify(token, ctx);
        } finally {
          this.limiter.release();
        }
        this.upstreamSeen.answeredAt = this.now();
        answer = this.localAnswer(token, verification);
      } else {
        const call = () => this.watched(token, ctx);
        answer = await this.fleetAnswer(key, token, () => this.limiter.run(call, lane));
      }
      if (this.revocations.isRevoked(answer.facts)) throw revokedToken();
      if (!answer.checked) return this.unchecked(key, answer);
      this.remember(key, token, answer);
      return answer.verification;
    } catch (error) {
      if (error instanceof OverloadedError && stale !== undefined) {
        // A revocation by token hash may have landed meanwhile (and dropped the entry).
        this.hashed(stale.facts, token);
        if (this.usable(stale)) return stale.verification;
      }
      const normalized = toAuthError(error);
      // Through a second level, `watched` noted it already (inside the fleet's own call).
      if (started) this.noteFailure(normalized);
      throw this.rememberFailure(key, normalized);
    } finally {
      this.flightsEnded++;
      delete this.inflight[key];
    }
  }

  /**
   * The validator's answer and its facts, without a second level (this process alone). The
   * token's hashes are left out while nothing can read them: no revocation by token hash seen,
   * and an `iat` to date the token (else its first sighting is remembered by hash).
   */
  private localAnswer(token: string, verification: Verification): FleetAnswer {
    const validatedAt = this.now();
    if (!this.tokenRevocationsSeen && issuedAtOf(verification) !== undefined) {
      const seen = { tokenHash: UNHASHED, validatedAt };
      return { verification, facts: factsOf(verification, seen), checked: true };
    }
    const signed = signedPart(token);
    const tokenHash = this.platform.sha256Hex(signed);
    const facts = factsOf(verification, {
      tokenHash,
      spellingHash: signed === token ? undefined : this.platform.sha256Hex(token),
      validatedAt,
      token,
      firstSeenAt: this.firstSeen?.get(tokenHash) ?? validatedAt,
    });
    return { verification, facts, checked: true };
  }

  /** `facts` with its token's hashes, computed now if it was cached without them. */
  private hashed(facts: TokenFacts, token: string): TokenFacts {
    if (facts.tokenHash !== UNHASHED) return facts;
    const { tokenHash, spellingHash } = this.hashes(token);
    facts.tokenHash = tokenHash;
    if (spellingHash !== undefined) facts.spellingHash = spellingHash;
    return facts;
  }

  /** A validator's refusal or failure, its time noted for `auth.health()`. */
  private noteFailure(error: AuthError): void {
    if (error.status === 401) this.upstreamSeen.answeredAt = this.now();
    else if (error.status >= 500) {
      this.upstreamSeen.failedAt = this.now();
      this.upstreamSeen.failure = error.code;
    }
  }

  /** The validator's answer, its time noted for `auth.health()`: an answer (a user, a 401), a failure. */
  private async watched(token: string, ctx: RequestContext): Promise<Verification> {
    try {
      const verification = await this.validator.verify(token, ctx);
      this.upstreamSeen.answeredAt = this.now();
      return verification;
    } catch (error) {
      const normalized = toAuthError(error);
      this.noteFailure(normalized);
      throw normalized;
    }
  }

  /** The upstream's answer with its facts, through the second level. */
  private fleetAnswer(
    key: string,
    token: string,
    call: () => Promise<Verification>,
  ): Promise<FleetAnswer> {
    const { tokenHash, spellingHash } = this.hashes(token);
    const firstSeenAt = this.firstSeen?.get(tokenHash);
    return (this.fleet as FleetLevel).verify(key, tokenHash, call, token, {
      ...(spellingHash === undefined ? {} : { spellingHash }),
      share: this.identity !== "",
      ...(firstSeenAt === undefined ? {} : { firstSeenAt }),
      firstSeenTtlMs: this.revocationTtlMs(),
    });
  }

  /** Whether this process read the token's revocation markers before, and that still holds. */
  private wasChecked(key: string): boolean {
    const until = this.checked?.peek(key);
    return until !== undefined && until > this.now();
  }

  /**
   * Redis could not say whether the token is revoked: accepted (never cached) when this process
   * checked it before or the app opted into failing open, else 503.
   */
  private unchecked(key: string, answer: FleetAnswer): Verification {
    if (this.limits.redisFailOpen || this.wasChecked(key)) return answer.verification;
    throw new RevocationUnavailableError();
  }

  /** Caches a checked answer and records what revocations need to know about the token. */
  private remember(key: string, token: string, { verification, facts }: FleetAnswer): void {
    const now = this.now();
    const tokenExpiry = verification.expiresAt ?? Number.POSITIVE_INFINITY;
    const memoryTtl = Math.max(1, Math.min(tokenExpiry - now, this.revocationTtlMs()));
    // The expiry is the value, checked by hand: an LRU with TTLs reads the clock and arms a
    // timer on every write (its TTL resolution), which every cache miss would pay.
    this.checked ??= new LRUCache({ max: MEMORY_MAX });
    this.checked.set(key, now + memoryTtl);
    if (issuedAtOf(verification, token) === undefined) {
      this.firstSeen ??= new LRUCache({ max: MEMORY_MAX });
      if (!this.firstSeen.has(facts.tokenHash)) {
        this.firstSeen.set(facts.tokenHash, facts.issuedAt, { ttl: memoryTtl });
      }
    }
    if (Number.isFinite(tokenExpiry)) {
      this.longestLifetimeMs = Math.max(this.longestLifetimeMs, tokenExpiry - facts.issuedAt);
    }
    const expiresAt = Math.min(now + this.ttlMs, tokenExpiry);
    if (this.ttlMs > 0 && expiresAt > now) this.users.set(key, { verification, facts, expiresAt });
  }

  /** An expired entry still within its stale window (and its token's life), else undefined. */
  private staleEntry(key: string, entry = this.users.get(key)): CachedUser | undefined {
    if (entry === undefined) return undefined;
    return entry.expiresAt + this.staleMs > this.now() && this.usable(entry) ? entry : undefined;
  }

  /** Whether a cached answer may still be served: token unexpired, not revoked, not stale. */
  private usable(entry: CachedUser): boolean {
    if ((entry.verification.expiresAt ?? Number.POSITIVE_INFINITY) <= this.now()) return false;
    return !this.revocations.isRevoked(entry.facts) && !this.revocations.isStale(entry.facts);
  }

  /** The identity hash of a token and, when its spelling differs, the hash of the spelling. */
  private hashes(token: string): { tokenHash: string; spellingHash?: string } {
    const signed = signedPart(token);
    const tokenHash = this.platform.sha256Hex(signed);
    return signed === token
      ? { tokenHash }
      : { tokenHash, spellingHash: this.platform.sha256Hex(token) };
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
        this.fleet === undefined || facts === undefined || this.identity === ""
          ? undefined
          : await this.fleet.readGrant(key, permission, facts);
      const granted =
        shared ??
        (await this.limiter.run(
          () => this.validator.hasPermission(token, verification, permission, ctx),
          "known",
        )) === true;
      if (shared === undefined && this.identity !== "") {
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
      throw this.rememberFailure(key, normalized);
    }
  }

  /** Negative-caches 401s (invalid tokens); never caches anything else. */
  private rememberFailure(key: string, error: AuthError): AuthError {
    if (error.status === 401 && this.negativeTtlMs > 0) {
      this.failures.set(key, { error, expiresAt: this.now() + this.negativeTtlMs });
    }
    return error;
  }
}

/** A revoked token gets an ordinary 401 invalid_token: the client signs in again. */
export function revokedToken(): InvalidTokenError {
  return tagReason(
    new InvalidTokenError("The access token has been revoked; sign in again."),
    "revoked_token",
  );
}
