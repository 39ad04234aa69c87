import { ConfigurationError } from "../kernel/errors.js";
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
