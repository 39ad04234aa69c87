import type { FleetEvent } from "../kernel/fleetEvents.js";
import { coversIssue } from "../kernel/RevocationList.js";
import { eventMarkers, factMarkers } from "../kernel/revocationMarkers.js";
import type { TokenFacts } from "../kernel/TokenFacts.js";
import type { Verification } from "../kernel/types.js";
import { type User, withClaims } from "../kernel/user.js";
import type { RedisLink } from "./RedisLink.js";

/** Default prefix of every key and of the channel; apps sharing one Redis pick their own. */
export const DEFAULT_REDIS_PREFIX = "oxaigen-auth:";

/**
 * A revocation check that does not complete refuses the token (503), unlike a shared-entry read
 * whose timeout only costs a miss: it gets a wider bound than the link's lookups.
 */
const MARKER_TIMEOUT_MIN_MS = 250;

/** Revoking is not on a request's path: it may wait longer for Redis than a lookup does. */
const PUBLISH_TIMEOUT_MS = 2000;

/** A shared cache entry as read back: a user, a negative entry (401), or nothing usable. */
export type SharedEntry =
  | { kind: "user"; verification: Verification; validatedAt: number }
  | { kind: "invalid" };

/** What the markers in Redis say about one token. */
export interface MarkerVerdict {
  revoked: boolean;
  /** The latest invalidation covering it (0: none). */
  invalidatedAt: number;
}

const STRING_LISTS = ["roles", "permissions", "scopes"] as const;
const OBJECT_LISTS = ["workspaceRoles", "workspacePermissions"] as const;
const NULLABLE_STRINGS = ["userName", "email", "name", "accountType", "firstName", "lastName"];

const isStringOrNull = (value: unknown) => value === null || typeof value === "string";

/** A stored user must have the whole shape of a User; anything else is treated as a miss. */
function isUser(value: unknown): value is User {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const u = value as Record<string, unknown>;
  if (u.isAuthenticated !== true || u.isAnonymous !== false) return false;
  if (typeof u.provider !== "string" || typeof u.extra !== "object" || u.extra === null)
    return false;
  if (typeof u.id !== "string" || !NULLABLE_STRINGS.every((name) => isStringOrNull(u[name])))
    return false;
  if (u.enabled !== null && typeof u.enabled !== "boolean") return false;
  if (u.workspace !== null && !isRecord(u.workspace)) return false;
  for (const name of STRING_LISTS) {
    const list = u[name];
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) return false;
  }
  for (const name of OBJECT_LISTS) {
    const list = u[name];
    if (!Array.isArray(list) || !list.every((item) => typeof item === "object" && item !== null)) {
      return false;
    }
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A marker's time; a marker that exists but is not a number counts as "now and forever". */
function markerTime(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return undefined;
  const at = typeof raw === "string" && /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isFinite(at) ? at : Number.POSITIVE_INFINITY;
}

function hex(cacheKey: string): string {
  return Buffer.from(cacheKey, "latin1").toString("hex");
}

/**
 * The Redis half of the shared cache: entries under sha256 keys, revocation and invalidation
 * markers, the fleet lock, and publishing events. Every call is bounded by the link's timeout
 * and rejects on any Redis fault: the caller falls back to the in-process level.
 */
export class RedisFleetStore {
  readonly channel: string;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix = DEFAULT_REDIS_PREFIX,
    private readonly now: () => number = Date.now,
  ) {
    this.channel = `${prefix}events`;
  }

  private get markerTimeoutMs(): number {
    return Math.max(this.link.timeoutMs, MARKER_TIMEOUT_MIN_MS);
  }

  /** The stored entry for a cache key, or undefined (missing, expired, malformed). */
  async read(cacheKey: string): Promise<SharedEntry | undefined> {
    const entry = parseJson(await this.link.command(["GET", `${this.prefix}u:${hex(cacheKey)}`]));
    if (entry === undefined || entry.v !== 1) return undefined;
    if (entry.invalid === true) return { kind: "invalid" };
    const { user, claims, expiresAt, validatedAt } = entry;
    if (!isUser(user) || typeof validatedAt !== "number" || !Number.isFinite(validatedAt)) {
      return undefined;
    }
    // The claims are stored beside the user (they are not enumerable on it, so never serialised).
    if (claims !== undefined) {
      if (!isRecord(claims)) return undefined;
      withClaims(user, claims);
    }
    if (expiresAt !== undefined && (typeof expiresAt !== "number" || expiresAt <= this.now())) {
      return undefined;
    }
    const verification: Verification = { user };
    if (typeof expiresAt === "number") verification.expiresAt = expiresAt;
    return { kind: "user", verification, validatedAt };
  }

  /** Stores a validated user for `ttlMs` (already min(TTL, exp)). */
  async writeUser(
    cacheKey: string,
    verification: Verification,
    validatedAt: number,
    ttlMs: number,
  ) {
    const value = JSON.stringify({
      v: 1,
      user: verification.user,
      claims: verification.user.claims,
      expiresAt: verification.expiresAt,
      validatedAt,
    });
    await this.set(`u:${hex(cacheKey)}`, value, ttlMs);
  }

  /** Stores a negative entry (the token is invalid) for `ttlMs`. */
  async writeInvalid(cacheKey: string, ttlMs: number): Promise<void> {
    await this.set(`u:${hex(cacheKey)}`, '{"v":1,"invalid":true}', ttlMs);
  }

  /** A stored permission answer validated after `notBefore`, else undefined. */
  async readGrant(cacheKey: string, permission: string, notBefore: number) {
    const entry = parseJson(
      await this.link.command(["GET", `${this.prefix}g:${hex(cacheKey)}:${permission}`]),
    );
    if (entry === undefined || entry.v !== 1 || typeof entry.granted !== "boolean")
      return undefined;
    if (typeof entry.validatedAt !== "number" || entry.validatedAt <= notBefore) return undefined;
    return entry.granted;
  }

  /** Stores a permission answer for `ttlMs`. */
  async writeGrant(
    cacheKey: string,
    permission: string,
    granted: boolean,
    validatedAt: number,
    ttlMs: number,
  ) {
    await this.set(
      `g:${hex(cacheKey)}:${permission}`,
      JSON.stringify({ v: 1, granted, validatedAt }),
      ttlMs,
    );
  }

  /** Reads every marker that could concern a token in one round trip. */
  async verdict(facts: TokenFacts, toleranceMs = 0): Promise<MarkerVerdict> {
    const markers = factMarkers(facts);
    const values = (await this.link.command(
      ["MGET", ...markers.map(({ name }) => this.prefix + name)],
      this.markerTimeoutMs,
    )) as unknown[];
    let revoked = false;
    let invalidatedAt = 0;
    markers.forEach(({ effect }, i) => {
      const at = markerTime(values[i]);
      if (at === undefined) return;
      if (effect === "invalidation") invalidatedAt = Math.max(invalidatedAt, at);
      else if (effect === "issue") revoked ||= coversIssue(at, facts.issuedAt, toleranceMs);
      else revoked = true;
    });
    return { revoked, invalidatedAt };
  }

  /**
   * When the fleet first saw a token (by its identity hash): the time stored by the first
   * instance that asked, else `now`, which is stored for `ttlMs`. A cache expiry or a new
   * instance never makes a token new again.
   */
  async firstSeen(tokenHash: string, now: number, ttlMs: number): Promise<number> {
    const reply = await this.link.command(
      [
        "EVAL",
        'local v = redis.call("GET", KEYS[1]) if v then return v end redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return ARGV[1]',
        "1",
        `${this.prefix}seen:${tokenHash}`,
        String(now),
        String(Math.max(1, Math.ceil(ttlMs))),
      ],
      this.markerTimeoutMs,
    );
    const at = markerTime(reply);
    // Garbage under the key: the earliest possible time, so every revocation covers the token.
    return at === undefined || !Number.isFinite(at) ? 0 : Math.min(at, now);
  }

  /** Writes the event's markers (for `ttlMs`), then publishes it to every instance. */
  async publish(event: FleetEvent, ttlMs: number): Promise<void> {
    const ms = String(Math.max(1, Math.ceil(ttlMs)));
    if (ttlMs > 0) {
      for (const marker of eventMarkers(event)) {
        await this.link.command(
          ["SET", this.prefix + marker, String(event.at), "PX", ms],
          PUBLISH_TIMEOUT_MS,
        );
      }
    }
    await this.link.command(["PUBLISH", this.channel, JSON.stringify(event)], PUBLISH_TIMEOUT_MS);
  }

  /** Takes the fleet lock for a cache key (SET NX PX); true when this instance holds it. */
  async lock(cacheKey: string, ttlMs: number, owner: string): Promise<boolean> {
    const reply = await this.link.command([
      "SET",
      `${this.prefix}lock:${hex(cacheKey)}`,
      owner,
      "PX",
      String(ttlMs),
      "NX",
    ]);
    return reply === "OK";
  }

  /** Releases the lock if this instance still holds it. */
  async unlock(cacheKey: string, owner: string): Promise<void> {
    await this.link.command([
      "EVAL",
      'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0',
      "1",
      `${this.prefix}lock:${hex(cacheKey)}`,
      owner,
    ]);
  }

  /** True the first time `id` is claimed within `ttlMs` (SET NX), false afterwards. */
  async claimOnce(id: string, ttlMs: number): Promise<boolean> {
    const reply = await this.link.command([
      "SET",
      `${this.prefix}once:${id}`,
      "1",
      "PX",
      String(Math.max(1, Math.ceil(ttlMs))),
      "NX",
    ]);
    return reply === "OK";
  }

  /** Releases a claim made by {@link claimOnce} (best effort). */
  async releaseOnce(id: string): Promise<void> {
    await this.link.command(["DEL", `${this.prefix}once:${id}`]);
  }

  private async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(ttlMs));
    await this.link.command(["SET", this.prefix + key, value, "PX", String(ms)]);
  }
}
