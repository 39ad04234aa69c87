import { LRUCache } from "lru-cache";
import { platform } from "#platform";
import { ConfigurationError, InvalidTokenError } from "../kernel/errors.js";
import type { FleetAnswer, FleetAsk, FleetLevel } from "../kernel/FleetLevel.js";
import {
  type FleetEvent,
  INVALIDATE_HELP,
  type InvalidationTarget,
  invalidationEvent,
  parseFleetEvent,
  REVOKE_HELP,
  type RevocationTarget,
  revocationEvent,
} from "../kernel/fleetEvents.js";
import { factsOf, issuedAtOf, RevocationList } from "../kernel/RevocationList.js";
import { NO_TELEMETRY, type Telemetry } from "../kernel/Telemetry.js";
import type { TokenFacts } from "../kernel/TokenFacts.js";
import { signedPart } from "../kernel/tokenIdentity.js";
import type { Verification } from "../kernel/types.js";
import { revokedToken } from "../kernel/ValidationPipeline.js";
import { DEFAULT_REDIS_PREFIX, RedisFleetStore } from "./RedisFleetStore.js";
import { type RedisClientLike, RedisLink, type RedisLinkLogger } from "./RedisLink.js";

/**
 * Options of the shared (Redis) level of the validation cache.
 *
 * @example
 * const auth = createAuth({ redis: { url: "redis://cache:6379", prefix: "orders-api:" } });
 */
export interface RedisOptions {
  /** `AUTH_REDIS_URL`: `redis://` or `rediss://`, user and password in the URL. */
  url?: string;
  /** An existing node-redis client (v5 or later) instead of a URL; the SDK never closes it. */
  client?: RedisClientLike;
  /** `AUTH_REDIS_PREFIX` (default `oxaigen-auth:`): of every key and of the channel. */
  prefix?: string;
  /** The most a request waits on Redis before it falls back (default 50 ms). */
  timeoutMs?: number;
  /** How long an instance waits for another's upstream call for the same token (default 1000 ms). */
  singleFlightWaitMs?: number;
}

/**
 * The hash a token travels as on the fleet channel, lower-case hex sha256 of what identifies it:
 * a JWS's signed part (header and payload), any other token's UTF-8 bytes.
 */
export function tokenHashOf(token: string): string {
  return platform.sha256Hex(signedPart(token));
}

interface Ttls {
  /** Positive entries: min(configured TTL, the token's exp). */
  ttlMs: number;
  negativeTtlMs: number;
  /** The least a revocation marker lives (the revoker passes longer lives where it knows them). */
  revocationTtlMs: number;
}

const POLL_MS = 15;

/** One token being asked about. */
interface Seen {
  tokenHash: string;
  token: string | undefined;
  ask: FleetAsk;
}

/**
 * The fleet level of the validation cache: shared entries, fleet-wide single flight, revocation
 * and invalidation events. Redis faults never fail a request: they cost a cache miss, and
 * nothing this instance learned about a revocation is forgotten.
 */
export class FleetCache implements FleetLevel {
  private readonly listeners = new Set<(event: FleetEvent) => void>();
  private readonly resyncListeners = new Set<() => void>();
  // Web Crypto's global (Node ≥ 19, workerd, Deno, Bun): no node:crypto in this module, so a
  // Workers bundle without nodejs_compat still builds (bundlers follow the lazy import here).
  private readonly owner = globalThis.crypto.randomUUID();

  private constructor(
    /** Revocations and invalidations this process has seen (shared with the in-process level). */
    readonly revocations: RevocationList,
    readonly link: RedisLink,
    readonly store: RedisFleetStore,
    private readonly ttls: Ttls,
    private readonly singleFlightWaitMs: number,
    private readonly now: () => number,
    private readonly telemetry: Telemetry,
  ) {
    link.subscribe(
      store.channel,
      (message) => this.receive(message),
      () => this.resync(),
    );
  }

  /** Connects (without waiting for Redis to be up) and subscribes to the fleet channel. */
  static async open(
    options: RedisOptions,
    ttls: Ttls,
    logger: RedisLinkLogger,
    revocations: RevocationList = new RevocationList(),
    now: () => number = Date.now,
    telemetry: Telemetry = NO_TELEMETRY,
  ): Promise<FleetCache> {
    const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    if (!/^[\x21-\x7e]{0,64}$/.test(prefix)) {
      throw new ConfigurationError(
        "AUTH_REDIS_PREFIX must be up to 64 printable characters without spaces.",
      );
    }
    const link = await RedisLink.open({ ...options, logger });
    const store = new RedisFleetStore(link, prefix, now);
    const waitMs = options.singleFlightWaitMs ?? 1000;
    return new FleetCache(revocations, link, store, ttls, waitMs, now, telemetry);
  }

  /**
   * Resolves once both connections are up (commands and the subscribed channel), or after `ms`
   * when Redis does not answer: start-up waits a bounded time so that an instance that starts
   * after a revocation sees its marker, but never hangs on a dead Redis.
   */
  async connected(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!(this.link.isReady && this.link.isSubscribed)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  /** Whether the command and the subscriber connections are up (no round trip). */
  linkState(): { ready: boolean; subscribed: boolean } {
    return { ready: this.link.isReady, subscribed: this.link.isSubscribed };
  }

  /** Listens for events (from any instance, this one included) that concern cached answers. */
  onEvent(listener: (event: FleetEvent) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Listens for "events may have been missed" (the subscription dropped or came back): the
   * in-process level must be dropped then.
   */
  onResync(listener: () => void): void {
    this.resyncListeners.add(listener);
  }

  /**
   * The verification for a token not in the in-process level: the shared entry when one is
   * fresh and not revoked, else `call()` once across the fleet. Throws InvalidTokenError for a
   * negative entry or a revoked token; rejects with `call()`'s error. Answers are shared only
   * when `ask.share` is not false; `checked` is false when the markers could not be read.
   */
  async verify(
    cacheKey: string,
    tokenHash: string,
    call: () => Promise<Verification>,
    token?: string,
    ask: FleetAsk = {},
  ): Promise<FleetAnswer> {
    const seen = { tokenHash, token, ask };
    if (ask.share === false) return this.callUpstream(cacheKey, seen, call);
    const shared = await this.fromShared(cacheKey, seen);
    if (shared !== undefined) return shared;
    const held = await this.quiet(this.store.lock(cacheKey, this.ttls.ttlMs || 5000, this.owner));
    if (held === false) {
      const awaited = await this.awaitOther(cacheKey, seen);
      if (awaited !== undefined) return awaited;
    }
    try {
      return await this.callUpstream(cacheKey, seen, call);
    } finally {
      if (held === true) void this.quiet(this.store.unlock(cacheKey, this.owner));
    }
  }

  /** Whether a verification (e.g. from the in-process level) is revoked by what this process saw. */
  isRevokedLocally(facts: TokenFacts): boolean {
    return this.revocations.isRevoked(facts);
  }

  /** A permission answer from the shared level, or undefined (then ask upstream and `storeGrant`). */
  readGrant(cacheKey: string, permission: string, facts: TokenFacts): Promise<boolean | undefined> {
    return this.quiet(this.store.readGrant(cacheKey, permission, facts.validatedAt - 1));
  }

  /** Shares a permission answer (best effort). */
  storeGrant(
    cacheKey: string,
    permission: string,
    granted: boolean,
    expiresAt: number | undefined,
  ) {
    const ttl = this.ttlFor(expiresAt);
    if (ttl > 0)
      void this.quiet(this.store.writeGrant(cacheKey, permission, granted, this.now(), ttl));
  }

  /** Shares a negative answer (the token is invalid), best effort. */
  storeInvalid(cacheKey: string): void {
    if (this.ttls.negativeTtlMs > 0)
      void this.quiet(this.store.writeInvalid(cacheKey, this.ttls.negativeTtlMs));
  }

  /**
   * Revokes fleet-wide: applied here at once, then the marker is written and the event published.
   * Rejects (after applying it here) when Redis could not be told: the caller may retry.
   */
  async revoke(target: RevocationTarget, ttlMs?: number): Promise<FleetEvent> {
    const event = revocationEvent(target, this.now(), tokenHashOf);
    if (event === undefined) throw new ConfigurationError(REVOKE_HELP);
    this.deliver(event);
    await this.store.publish(event, Math.max(ttlMs ?? 0, this.ttls.revocationTtlMs));
    this.telemetry.eventPublished("revoke");
    return event;
  }

  /** Drops the cached answers about a subject (or all) fleet-wide; tokens are validated again. */
  async invalidate(target: InvalidationTarget): Promise<FleetEvent> {
    const event = invalidationEvent(target, this.now());
    if (event === undefined) throw new ConfigurationError(INVALIDATE_HELP);
    this.deliver(event);
    await this.store.publish(event, Math.max(this.ttls.ttlMs, 1000));
    this.telemetry.eventPublished("invalidate");
    return event;
  }

  /**
   * True the first time `id` is seen fleet-wide within `ttlMs` (logout-token replay). When Redis
   * cannot answer, this process's memory decides.
   */
  async firstSight(id: string, ttlMs: number): Promise<boolean> {
    const key = sightKey(id);
    if (this.seen.has(key)) return false;
    this.seen.set(key, true, { ttl: Math.max(1, ttlMs) });
    const shared = await this.quiet(this.store.claimOnce(key, ttlMs));
    return shared !== false;
  }

  /** Forgets `id` here and fleet-wide (best effort): its first sight did not take effect. */
  async forget(id: string): Promise<void> {
    const key = sightKey(id);
    this.seen.delete(key);
    await this.quiet(this.store.releaseOnce(key));
  }

  private readonly seen = new LRUCache<string, boolean>({ max: 10_000 });

  /** Closes the connections the SDK opened. */
  close(): Promise<void> {
    return this.link.close();
  }

  private async fromShared(cacheKey: string, seen: Seen): Promise<FleetAnswer | undefined> {
    let entry: Awaited<ReturnType<RedisFleetStore["read"]>>;
    try {
      entry = await this.store.read(cacheKey);
    } catch {
      this.telemetry.cacheLookup("redis", "error");
      return undefined;
    }
    if (entry?.kind === "invalid") {
      this.telemetry.cacheLookup("redis", "negative_hit");
      throw new InvalidTokenError();
    }
    const answer = entry === undefined ? undefined : await this.usableAnswer(entry, seen);
    this.telemetry.cacheLookup("redis", answer === undefined ? "miss" : "hit");
    return answer;
  }

  /** A shared user entry as an answer, unless revoked, stale, invalidated or unverifiable. */
  private async usableAnswer(
    entry: { verification: Verification; validatedAt: number },
    seen: Seen,
  ): Promise<FleetAnswer | undefined> {
    const checked = await this.check(entry.verification, entry.validatedAt, seen);
    // Markers unreadable: the entry cannot be trusted to be unrevoked; validate upstream.
    if (checked === undefined || !checked.checked) return undefined;
    if (this.revocations.isStale(checked.facts)) return undefined;
    if (checked.invalidatedAt >= checked.facts.validatedAt) return undefined;
    return { verification: entry.verification, facts: checked.facts, checked: true };
  }

  /** Polls the shared level while another instance holds the lock, for a bounded time. */
  private async awaitOther(cacheKey: string, seen: Seen) {
    const deadline = this.now() + this.singleFlightWaitMs;
    while (this.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const shared = await this.fromShared(cacheKey, seen);
      if (shared !== undefined) return shared;
    }
    return undefined;
  }

  private async callUpstream(
    cacheKey: string,
    seen: Seen,
    call: () => Promise<Verification>,
  ): Promise<FleetAnswer> {
    let verification: Verification;
    try {
      verification = await call();
    } catch (error) {
      if (error instanceof InvalidTokenError && seen.ask.share !== false) {
        this.storeInvalid(cacheKey);
      }
      throw error;
    }
    const validatedAt = this.now();
    const { facts, checked } = await this.check(verification, validatedAt, seen);
    const ttl = this.ttlFor(verification.expiresAt);
    if (checked && seen.ask.share !== false && ttl > 0) {
      void this.quiet(this.store.writeUser(cacheKey, verification, validatedAt, ttl));
    }
    return { verification, facts, checked };
  }

  /**
   * The facts of a verification and what the markers say: throws for a revoked token; `checked`
   * is false when Redis could not answer (a token without `iat` also needs the fleet's first
   * sight of it, so that a cache expiry never makes it new again).
   */
  private async check(verification: Verification, validatedAt: number, seen: Seen) {
    let firstSeenAt = seen.ask.firstSeenAt;
    let sighted = true;
    if (issuedAtOf(verification, seen.token) === undefined) {
      const ttl = seen.ask.firstSeenTtlMs ?? this.ttls.revocationTtlMs;
      const fleetSeen = await this.quiet(this.store.firstSeen(seen.tokenHash, validatedAt, ttl));
      sighted = fleetSeen !== undefined;
      if (fleetSeen !== undefined) firstSeenAt = Math.min(firstSeenAt ?? fleetSeen, fleetSeen);
    }
    const facts = factsOf(verification, {
      tokenHash: seen.tokenHash,
      ...(seen.ask.spellingHash === undefined ? {} : { spellingHash: seen.ask.spellingHash }),
      validatedAt,
      ...(firstSeenAt === undefined ? {} : { firstSeenAt }),
      ...(seen.token === undefined ? {} : { token: seen.token }),
    });
    if (this.revocations.isRevoked(facts)) throw revokedToken();
    const verdict = await this.quiet(this.store.verdict(facts, this.revocations.toleranceMs));
    if (verdict?.revoked === true) throw revokedToken();
    return {
      facts,
      checked: sighted && verdict !== undefined,
      invalidatedAt: verdict?.invalidatedAt ?? 0,
    };
  }

  private ttlFor(expiresAt: number | undefined): number {
    return Math.min(this.ttls.ttlMs, (expiresAt ?? Number.POSITIVE_INFINITY) - this.now());
  }

  private receive(message: string): void {
    const event = parseFleetEvent(message);
    if (event === undefined) return;
    this.telemetry.eventReceived(event.type, this.now() - event.at);
    this.deliver(event);
  }

  private deliver(event: FleetEvent): void {
    const ttl =
      event.type === "revoke" ? this.ttls.revocationTtlMs : Math.max(this.ttls.ttlMs, 1000);
    this.revocations.apply(event, ttl);
    for (const listener of this.listeners) listener(event);
  }

  private resync(): void {
    for (const listener of this.resyncListeners) listener();
  }

  /** A Redis call's result, or undefined on any fault (bounded by the link's timeout). */
  private async quiet<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch {
      return undefined;
    }
  }
}

/** Ids are hashed: a logout token's issuer and jti never appear in Redis as they are. */
function sightKey(id: string): string {
  return platform.sha256Hex(id);
}
