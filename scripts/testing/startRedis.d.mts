/** A real `redis-server` on 127.0.0.1, without persistence, owned by whoever started it. */
export interface RedisUnderTest {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILLs the server (an outage without goodbye). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it (SIGTERM) and waits for its exit; a second call does nothing. */
  close(): Promise<void>;
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (closed again before it is returned).
 * @example
 * const port = await freePort();
 */
export declare function freePort(): Promise<number>;

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` and resolves
 * once it accepts connections; a missing redis-server rejects with how to install it.
 * @example
 * const redis = await startRedis();
 * const client = createClient({ url: redis.url });
 * await redis.close();
 */
export declare function startRedis(): Promise<RedisUnderTest>;
