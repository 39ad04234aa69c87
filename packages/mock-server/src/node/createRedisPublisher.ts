import type { MockAuthChange } from "../core/MockAuthChange.js";
import { MockAuthError } from "../MockAuthError.js";

/** The prefix `@org/auth-server` uses by default (`AUTH_REDIS_PREFIX`). */
export const DEFAULT_REDIS_PREFIX = "oxaigen-auth:";
/** How long "the state changed at t" stays meaningful: longer than any backend cache TTL. */
const INVALIDATION_MARKER_MS = 60 * 60 * 1000;

/**
 * Publishes the mock's changes where backends using `@org/auth-server` with Redis listen: the
 * marker first (so a backend that starts later still sees it), then the event on the channel.
 *
 * @example
 * const publisher = await createRedisPublisher("redis://127.0.0.1:6379");
 * const mock = createMockAuth({ onChange: (change) => publisher.publish(change) });
 */
export interface RedisPublisher {
  /** Sends one change (errors are logged once per outage, never thrown). */
  publish(change: MockAuthChange): Promise<void>;
  /** Closes the connection. */
  close(): Promise<void>;
}

interface Client {
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

/** The JSON message and marker of one change (see the contracts document). */
export function fleetMessage(change: MockAuthChange, at: number) {
  if (change.type === "revoke") {
    return {
      marker: `rev:sid:${change.sid}`,
      ttlMs: Math.max(1000, change.ttlSeconds * 1000),
      event: { v: 1, type: "revoke", sid: change.sid, at },
    };
  }
  if (change.type === "revoke-token") {
    return {
      marker: `rev:jti:${change.jti}`,
      ttlMs: Math.max(1000, change.ttlSeconds * 1000),
      event: { v: 1, type: "revoke", jti: change.jti, at },
    };
  }
  return {
    marker: "inv:all",
    ttlMs: INVALIDATION_MARKER_MS,
    event: { v: 1, type: "invalidate", all: true, at },
  };
}

/** Connects to `url` (node-redis, loaded only here) without waiting for Redis to be up. */
export async function createRedisPublisher(
  url: string,
  options: { prefix?: string; warn?: (message: string) => void } = {},
): Promise<RedisPublisher> {
  if (!/^rediss?:\/\//.test(url)) {
    throw new MockAuthError(
      "invalid_config",
      "OXAIGEN_AUTH_MOCK_REDIS_URL must start with redis:// or rediss://.",
    );
  }
  let createClient: (options: object) => Client;
  try {
    ({ createClient } = (await import("redis")) as unknown as {
      createClient: (options: object) => Client;
    });
  } catch {
    throw new MockAuthError(
      "invalid_config",
      'OXAIGEN_AUTH_MOCK_REDIS_URL is set but the "redis" package is not installed: npm install redis',
    );
  }
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const warn = options.warn ?? ((message: string) => console.warn(`[auth-mock-server] ${message}`));
  let healthy = true;
  const down = (error: unknown) => {
    if (!healthy) return;
    healthy = false;
    warn(
      `Redis unreachable (${(error as Error)?.message}); changes are not published until it is back.`,
    );
  };
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 7), 5000),
    },
  });
  client.on("error", down);
  client.on("ready", () => {
    healthy = true;
  });
  client.connect().catch(down);
  return {
    async publish(change) {
      const { marker, ttlMs, event } = fleetMessage(change, Date.now());
      try {
        await client.sendCommand(["SET", prefix + marker, String(event.at), "PX", String(ttlMs)]);
        await client.sendCommand(["PUBLISH", `${prefix}events`, JSON.stringify(event)]);
      } catch (error) {
        down(error);
      }
    },
    async close() {
      client.destroy();
    },
  };
}
