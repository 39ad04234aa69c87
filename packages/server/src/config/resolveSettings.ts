import { ConfigurationError } from "../kernel/errors.js";
import {
  type AuthSettings,
  DEFAULT_ACCESS_TOKEN_COOKIE_NAME,
  DEFAULT_LIMITS,
  type LimitSettings,
  type SettingsOptions,
} from "../kernel/settings.js";
import {
  type Env,
  readBoolean,
  readEnv,
  readNumber,
  readOptionalNumber,
  settingLabel,
} from "./env.js";

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Reads the shared settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveSettings(env: Env, options: SettingsOptions = {}): AuthSettings {
  const accessTokenCookieName =
    options.accessTokenCookieName ??
    readEnv(env, "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME") ??
    DEFAULT_ACCESS_TOKEN_COOKIE_NAME;
  if (!COOKIE_NAME.test(accessTokenCookieName)) {
    const source = settingLabel(
      "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME",
      options.accessTokenCookieName === undefined ? undefined : "accessTokenCookieName",
    );
    throw new ConfigurationError(
      `${source} must be a cookie name (letters, digits, !#$%&'*+-.^_\`|~).`,
    );
  }
  return {
    accessTokenCookieName,
    cacheTtlSeconds: readNumber(
      env,
      "OXAIGEN_AUTH_CACHE_TTL_SECONDS",
      options.cacheTtlSeconds,
      30,
      { option: "cacheTtlSeconds", min: 0 },
    ),
    negativeCacheTtlSeconds: readNumber(
      env,
      "OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS",
      options.negativeCacheTtlSeconds,
      5,
      { option: "negativeCacheTtlSeconds", min: 0 },
    ),
    cacheMaxEntries: readNumber(
      env,
      "OXAIGEN_AUTH_CACHE_MAX_ENTRIES",
      options.cacheMaxEntries,
      1024,
      { option: "cacheMaxEntries", min: 1, integer: true },
    ),
    wsAllowQueryToken: readBoolean(
      env,
      "AUTH_WS_ALLOW_QUERY_TOKEN",
      options.wsAllowQueryToken,
      false,
    ),
    allowedOrigins: readOrigins(env, options.allowedOrigins),
    ...readMaxTokenAge(env, options.maxTokenAge),
  };
}

/** Reads the flood and fleet bounds from options, then env, then defaults. */
export function resolveLimits(env: Env, options: SettingsOptions = {}): LimitSettings {
  return {
    upstreamMaxConcurrency: readNumber(
      env,
      "AUTH_UPSTREAM_MAX_CONCURRENCY",
      options.upstreamMaxConcurrency,
      DEFAULT_LIMITS.upstreamMaxConcurrency,
      { option: "upstreamMaxConcurrency", min: 1, integer: true },
    ),
    upstreamMaxQueue: readNumber(
      env,
      "AUTH_UPSTREAM_MAX_QUEUE",
      options.upstreamMaxQueue,
      DEFAULT_LIMITS.upstreamMaxQueue,
      { option: "upstreamMaxQueue", min: 0, integer: true },
    ),
    revocationTtlSeconds: readNumber(
      env,
      "AUTH_REVOCATION_TTL_SECONDS",
      options.revocationTtlSeconds,
      DEFAULT_LIMITS.revocationTtlSeconds,
      { option: "revocationTtlSeconds", min: 1 },
    ),
    clockToleranceSeconds: readNumber(
      env,
      "AUTH_CLOCK_SKEW",
      options.clockToleranceSeconds,
      DEFAULT_LIMITS.clockToleranceSeconds,
      { option: "clockToleranceSeconds", min: 0, max: 3600 },
    ),
    redisFailOpen: readBoolean(
      env,
      "AUTH_REDIS_FAIL_OPEN",
      options.redisFailOpen,
      DEFAULT_LIMITS.redisFailOpen,
    ),
  };
}

/** `AUTH_MAX_TOKEN_AGE`: seconds since sign-in a token is accepted; absent when unset. */
function readMaxTokenAge(env: Env, option: number | undefined): { maxTokenAge?: number } {
  const bounds = { option: "maxTokenAge", min: 1 };
  const seconds = readOptionalNumber(env, "AUTH_MAX_TOKEN_AGE", bounds, option);
  return seconds === undefined ? {} : { maxTokenAge: seconds };
}

/** `OXAIGEN_AUTH_ALLOWED_ORIGINS`: exact http(s) origins, normalised as browsers send them. */
function readOrigins(env: Env, option: readonly string[] | undefined): string[] {
  const source = settingLabel(
    "OXAIGEN_AUTH_ALLOWED_ORIGINS",
    option === undefined ? undefined : "allowedOrigins",
  );
  const list = option ?? readEnv(env, "OXAIGEN_AUTH_ALLOWED_ORIGINS")?.split(",") ?? [];
  const origins: string[] = [];
  for (const raw of list) {
    const entry = raw.trim();
    if (entry === "") continue;
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {}
    // href adds only "/" to the origin when there is no path, query, fragment or userinfo.
    const exact =
      url !== undefined && /^https?:$/.test(url.protocol) && url.href === `${url.origin}/`;
    if (url === undefined || !exact) {
      throw new ConfigurationError(
        `${source} has an invalid entry ${JSON.stringify(entry)}: list origins such as https://admin.example.com (scheme, host and port only), separated by commas.`,
      );
    }
    origins.push(url.origin);
  }
  return origins;
}
