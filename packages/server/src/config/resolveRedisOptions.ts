import type { RedisOptions } from "../redis/FleetCache.js";
import type { Env } from "./env.js";
import { readOptionalSetting, SETTINGS } from "./settingsTable.js";

/** The Redis options in force: the `redis` option, else `AUTH_REDIS_URL`; undefined: none. */
export function resolveRedisOptions(env: Env, option: RedisOptions | false | undefined) {
  if (option === false) return undefined;
  const url = readOptionalSetting(env, SETTINGS.redisUrl, option?.url);
  const prefix = readOptionalSetting(env, SETTINGS.redisPrefix, option?.prefix);
  if (option?.client === undefined && url === undefined) return undefined;
  const resolved: RedisOptions = { ...option };
  if (url !== undefined) resolved.url = url;
  if (prefix !== undefined) resolved.prefix = prefix;
  return resolved;
}
