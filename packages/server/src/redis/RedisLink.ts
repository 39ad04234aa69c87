import { ConfigurationError } from "../kernel/errors.js";

/**
 * The part of a node-redis client (v5 or later) the SDK uses: raw commands, pub/sub on a
 * duplicate, and the connection events. Typed structurally so the SDK itself never imports
 * `redis`: the module is loaded only when a Redis URL is configured.
 *
 * @example
 * import { createClient } from "redis";
 * const client: RedisClientLike = createClient({ url: process.env.AUTH_REDIS_URL });
 * const auth = createAuth({ redis: { client } });
 */
export interface RedisClientLike {
  readonly isReady: boolean;
  readonly isOpen: boolean;
  /** Opens the connection (retrying with the client's reconnect strategy). */
  connect(): Promise<unknown>;
  /** Sends one raw command, e.g. `["GET", key]`. */
  sendCommand(args: string[]): Promise<unknown>;
  /** A second client with the same options (pub/sub needs its own connection). */
  duplicate(): RedisClientLike;
  /** Subscribes to a channel. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Listens for "error", "ready", "end", "reconnecting". */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Closes the connection at once (node-redis 5+). */
  destroy?(): void;
  /** Closes the connection (older clients). */
  disconnect?(): Promise<unknown>;
}

/** Receives the link's few messages (one per outage, not per request). */
export interface RedisLinkLogger {
  warn(message: string): void;
}

/** How long a request may wait on Redis before it falls back to the in-process level. */
export const DEFAULT_REDIS_TIMEOUT_MS = 50;

class RedisTimeout extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms.`);
  }
}

/** Reconnection delays: 50 ms doubling to 5 s, with jitter so a fleet does not reconnect in step. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 7), 5000) + Math.floor(Math.random() * 50);
}

/** Accepts `redis://` and `rediss://` URLs; the message never repeats the URL (it may hold a password). */
export function assertRedisUrl(url: string, name = "AUTH_REDIS_URL"): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(
      `${name} is not a URL; use redis://[user:password@]host:port[/db] or rediss:// for TLS.`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigurationError(
      `${name} must start with redis:// or rediss:// (TLS); got "${parsed.protocol}".`,
    );
  }
}

/** Loads node-redis on demand: an app that configures no Redis never loads it. */
async function loadCreateClient(): Promise<(options: object) => RedisClientLike> {
  try {
    const module = (await import("redis")) as unknown as {
      createClient: (options: object) => RedisClientLike;
    };
    return module.createClient;
  } catch (error) {
    throw new ConfigurationError(
      `AUTH_REDIS_URL is set but the "redis" package is not installed; run \`npm install redis\` (node-redis 5 or later). ${String((error as Error).message ?? "")}`.trim(),
    );
  }
}

/**
 * One command connection and one subscriber connection to Redis, with the outage rules of the
 * shared cache: commands never wait longer than `timeoutMs`, an outage is logged once, and the
 * client reconnects with backoff on its own.
 */
export class RedisLink {
  private healthy = true;
  private closed = false;

  private constructor(
    readonly client: RedisClientLike,
    private readonly owned: boolean,
    private readonly logger: RedisLinkLogger,
    readonly timeoutMs: number,
  ) {
    client.on("error", (error) => this.down(error));
    client.on("ready", () => this.up());
  }

  /**
   * Connects to `url` (loading node-redis) or adopts `client`; never waits for Redis to be up.
   * Throws ConfigurationError when the URL is invalid or node-redis is missing.
   */
  static async open(options: {
    url?: string;
    client?: RedisClientLike;
    logger: RedisLinkLogger;
    timeoutMs?: number;
  }): Promise<RedisLink> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (options.client !== undefined) {
      const link = new RedisLink(options.client, false, options.logger, timeoutMs);
      if (!options.client.isOpen) link.start(options.client);
      return link;
    }
    if (options.url === undefined) throw new ConfigurationError("Pass a Redis url or client.");
    assertRedisUrl(options.url);
    const createClient = await loadCreateClient();
    const client = createClient({
      url: options.url,
      // A request never queues behind a dead connection: it falls back at once.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay },
    });
    const link = new RedisLink(client, true, options.logger, timeoutMs);
    link.start(client);
    return link;
  }

  /** Whether the command connection is up right now (no round trip). */
  get isReady(): boolean {
    return this.client.isReady;
  }

  /**
   * Runs one command, bounded by `timeoutMs` (or `ms`, for calls no request waits on, such as
   * publishing a revocation); rejects on timeout or when Redis is down.
   */
  command(args: string[], ms = this.timeoutMs): Promise<unknown> {
    if (!this.client.isReady) return Promise.reject(new Error("Redis is not connected."));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout(ms)), ms);
    });
    return Promise.race([this.client.sendCommand(args), timeout]).finally(() =>
      clearTimeout(timer),
    );
  }

  /**
   * A second connection subscribed to `channel`. `onSync(false)` runs whenever it drops,
   * `onSync(true)` whenever it is subscribed again: in between, events may have been missed.
   */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    onSync: (subscribed: boolean) => void,
  ): RedisClientLike {
    const subscriber = this.client.duplicate();
    const lost = () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      onSync(false);
    };
    subscriber.on("error", lost);
    subscriber.on("end", lost);
    subscriber.on("reconnecting", lost);
    let listening = false;
    const synced = () => {
      if (this.subscribed || !listening) return;
      this.subscribed = true;
      onSync(true);
    };
    // node-redis resubscribes a reconnected client before it reports "ready".
    subscriber.on("ready", synced);
    this.subscriber = subscriber;
    const listen = async () => {
      await subscriber.connect();
      await subscriber.subscribe(channel, onMessage);
      listening = true;
      synced();
    };
    listen().catch(() => {
      // The reconnect strategy keeps trying; "ready" reports when it is back.
    });
    return subscriber;
  }

  private subscriber: RedisClientLike | undefined;
  private subscribed = false;

  /** Whether the subscriber connection is subscribed right now (events are being received). */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /** Closes the connections the link opened (an adopted client is left open, its subscriber closed). */
  async close(): Promise<void> {
    this.closed = true;
    const clients = [this.subscriber, this.owned ? this.client : undefined];
    for (const client of clients) {
      if (client === undefined) continue;
      if (client.destroy !== undefined) client.destroy();
      else await client.disconnect?.().catch(() => {});
    }
  }

  private start(client: RedisClientLike): void {
    client.connect().catch((error) => this.down(error));
  }

  private down(error: unknown): void {
    if (!this.healthy || this.closed) return;
    this.healthy = false;
    // Never echo credentials a URL in the message might carry.
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /\/\/[^@/\s]*@/g,
      "//***@",
    );
    this.logger.warn(
      `Redis is unreachable (${reason}); serving from the in-process cache and reconnecting with backoff. Check AUTH_REDIS_URL and that Redis is running.`,
    );
  }

  private up(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.warn("Redis is reachable again; the shared cache and revocation events are back.");
  }
}
