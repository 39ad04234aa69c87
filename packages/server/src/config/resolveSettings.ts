import type { AuthSettings, LimitSettings, SettingsOptions } from "../kernel/settings.js";
import type { Env } from "./env.js";
import { readSetting, SETTINGS } from "./settingsTable.js";

/** Reads the shared settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveSettings(env: Env, options: SettingsOptions = {}): AuthSettings {
  return {
    accessTokenCookieName: readSetting(
      env,
      SETTINGS.accessTokenCookieName,
      options.accessTokenCookieName,
    ),
    cacheTtlSeconds: readSetting(env, SETTINGS.cacheTtlSeconds, options.cacheTtlSeconds),
    negativeCacheTtlSeconds: readSetting(
      env,
      SETTINGS.negativeCacheTtlSeconds,
      options.negativeCacheTtlSeconds,
    ),
    cacheMaxEntries: readSetting(env, SETTINGS.cacheMaxEntries, options.cacheMaxEntries),
    wsAllowQueryToken: readSetting(env, SETTINGS.wsAllowQueryToken, options.wsAllowQueryToken),
    allowedOrigins: readSetting(env, SETTINGS.allowedOrigins, options.allowedOrigins),
  };
}

/** Reads the flood and fleet bounds from options, then env, then defaults. */
export function resolveLimits(env: Env, options: SettingsOptions = {}): LimitSettings {
  return {
    upstreamMaxConcurrency: readSetting(
      env,
      SETTINGS.upstreamMaxConcurrency,
      options.upstreamMaxConcurrency,
    ),
    upstreamMaxQueue: readSetting(env, SETTINGS.upstreamMaxQueue, options.upstreamMaxQueue),
    revocationTtlSeconds: readSetting(
      env,
      SETTINGS.revocationTtlSeconds,
      options.revocationTtlSeconds,
    ),
    clockToleranceSeconds: readSetting(
      env,
      SETTINGS.clockToleranceSeconds,
      options.clockToleranceSeconds,
    ),
    redisFailOpen: readSetting(env, SETTINGS.redisFailOpen, options.redisFailOpen),
  };
}
