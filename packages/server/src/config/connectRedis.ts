import type { Auth } from "../kernel/Auth.js";
import { ConfigurationError } from "../kernel/errors.js";
import type { AuthSettings, LimitSettings } from "../kernel/settings.js";
import type { RedisOptions } from "../redis/FleetCache.js";
import { type Env, readEnv, settingLabel } from "./env.js";

/** The Redis options in force: the `redis` option, else `AUTH_REDIS_URL`; undefined: none. */
export function resolveRedisOptions(env: Env, option: RedisOptions | false | undefined) {
  if (option === false) return undefined;
  const url = option?.url ?? readEnv(env, "AUTH_REDIS_URL");
  const prefix = option?.prefix ?? readEnv(env, "AUTH_REDIS_PREFIX");
  if (option?.client === undefined && url === undefined) return undefined;
  if (url !== undefined && !/^rediss?:\/\/[^\s]+$/.test(url)) {
    const source = settingLabel(
      "AUTH_REDIS_URL",
      option?.url === undefined ? undefined : "redis.url",
    );
    throw new ConfigurationError(
      `${source} must be redis://[user:password@]host:port[/db] or rediss:// (TLS).`,
    );
  }
  const resolved: RedisOptions = { ...option };
  if (url !== undefined) resolved.url = url;
  if (prefix !== undefined) resolved.prefix = prefix;
  return resolved;
}

/**
 * Starts connecting the shared level; requests do not wait for it (`auth.ready()` does). The
 * Redis code, and node-redis itself, are loaded only here.
 */
export function connectRedis(
  auth: Auth,
  options: RedisOptions,
  settings: AuthSettings & LimitSettings,
): void {
  const ttls = {
    ttlMs: settings.cacheTtlSeconds * 1000,
    negativeTtlMs: settings.negativeCacheTtlSeconds * 1000,
    revocationTtlMs: settings.revocationTtlSeconds * 1000,
  };
  auth.attachFleet(
    import("../redis/FleetCache.js").then(({ FleetCache }) =>
      FleetCache.open(options, ttls, auth.logger, auth.revocations),
    ),
  );
}
