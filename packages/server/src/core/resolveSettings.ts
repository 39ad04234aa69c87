import { ConfigurationError } from "../errors.js";
import { type Env, readBoolean, readEnv, readNumber } from "./env.js";

/**
 * Where the SDK writes its few messages: start-up warnings, and the detail of each 5xx it answers
 * (the client body is generic). Never receives tokens.
 *
 * @example
 * const logger: AuthLogger = { warn: (m) => log.warn(m), error: (m) => log.error(m) };
 */
export interface AuthLogger {
  /** Receives a human-readable warning. */
  warn(message: string): void;
  /** Receives why a request was answered 5xx (upstream down, misconfiguration); else `warn`. */
  error?(message: string): void;
}

/**
 * Settings shared by every validation mode, resolved once at creation.
 *
 * @example
 * const { cacheTtlSeconds, wsAllowQueryToken }: AuthSettings = auth.settings;
 */
export interface AuthSettings {
  /** `OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME` (default `OxaigenPlatformAuthAccessToken`). */
  accessTokenCookieName: string;
  /** `OXAIGEN_AUTH_CACHE_TTL_SECONDS` (default 30). 0 disables the positive caches. */
  cacheTtlSeconds: number;
  /** `OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS` (default 5). 0 disables the negative cache. */
  negativeCacheTtlSeconds: number;
  /** `OXAIGEN_AUTH_CACHE_MAX_ENTRIES` (default 1024), the bound of each cache. */
  cacheMaxEntries: number;
  /** `AUTH_WS_ALLOW_QUERY_TOKEN` (default true): accept `?access_token=` on WebSocket upgrades. */
  wsAllowQueryToken: boolean;
}

/**
 * The typed constructor options matching {@link AuthSettings}; each overrides its env var.
 *
 * @example
 * const settings: SettingsOptions = { cacheTtlSeconds: 10, wsAllowQueryToken: false };
 * const auth = createAuth(settings);
 */
export type SettingsOptions = Partial<AuthSettings>;

/** Default access-token cookie name, shared with the proxy and the mock server. */
export const DEFAULT_ACCESS_TOKEN_COOKIE_NAME = "OxaigenPlatformAuthAccessToken";

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Reads the shared settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveSettings(env: Env, options: SettingsOptions = {}): AuthSettings {
  const accessTokenCookieName =
    options.accessTokenCookieName ??
    readEnv(env, "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME") ??
    DEFAULT_ACCESS_TOKEN_COOKIE_NAME;
  if (!COOKIE_NAME.test(accessTokenCookieName)) {
    throw new ConfigurationError(
      "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME must be a cookie name (letters, digits, !#$%&'*+-.^_`|~).",
    );
  }
  return {
    accessTokenCookieName,
    cacheTtlSeconds: readNumber(
      env,
      "OXAIGEN_AUTH_CACHE_TTL_SECONDS",
      options.cacheTtlSeconds,
      30,
      {
        min: 0,
      },
    ),
    negativeCacheTtlSeconds: readNumber(
      env,
      "OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS",
      options.negativeCacheTtlSeconds,
      5,
      { min: 0 },
    ),
    cacheMaxEntries: readNumber(
      env,
      "OXAIGEN_AUTH_CACHE_MAX_ENTRIES",
      options.cacheMaxEntries,
      1024,
      { min: 1, integer: true },
    ),
    wsAllowQueryToken: readBoolean(
      env,
      "AUTH_WS_ALLOW_QUERY_TOKEN",
      options.wsAllowQueryToken,
      true,
    ),
  };
}
