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
  /** Receives one line per refusal (4xx) with its reason code; never called on `console`. */
  debug?(message: string): void;
}

/**
 * `AUTH_DPOP`: `off` (no DPoP; key-bound tokens are refused), `allowed` (the default: bound
 * tokens need their proof, unbound ones still work as Bearer), `required` (only bound tokens).
 *
 * @example
 * const auth = createAuth({ dpop: "required" });
 */
export type DpopMode = "off" | "allowed" | "required";

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
  /**
   * `AUTH_WS_ALLOW_QUERY_TOKEN` (default false): also accept `?access_token=` on WebSocket
   * upgrades. Off by default because URLs, and so the token, end up in access logs.
   */
  wsAllowQueryToken: boolean;
  /**
   * `OXAIGEN_AUTH_ALLOWED_ORIGINS` (default none): origins besides the request's own whose
   * unsafe requests may be authenticated by the access cookie (`https://admin.example.com`).
   */
  allowedOrigins: readonly string[];
  /** `AUTH_MAX_TOKEN_AGE` (default none): seconds after sign-in (`auth_time`, else `iat`) a token is accepted. */
  maxTokenAge?: number;
  /** `AUTH_DPOP` (default `allowed`): how DPoP-bound tokens (RFC 9449) are treated, see DpopMode. */
  dpop?: DpopMode;
}

/**
 * Flood and fleet bounds, resolved once at creation next to {@link AuthSettings}.
 *
 * @example
 * const auth = createAuth({ upstreamMaxConcurrency: 32, upstreamMaxQueue: 128 });
 */
export interface LimitSettings {
  /** `AUTH_UPSTREAM_MAX_CONCURRENCY` (default 64): upstream validations in flight per instance. */
  upstreamMaxConcurrency: number;
  /** `AUTH_UPSTREAM_MAX_QUEUE` (default 512): validations waiting beyond that; more get 503. */
  upstreamMaxQueue: number;
  /**
   * `AUTH_REVOCATION_TTL_SECONDS` (default 86400): the least a revocation is remembered. A token
   * revocation lasts at least until the token's `exp`; a subject, user or session revocation at
   * least as long as the longest token lifetime the validator accepts.
   */
  revocationTtlSeconds: number;
  /**
   * `AUTH_CLOCK_SKEW` (default 60): seconds of clock difference with the identity provider. A
   * subject, user or session revocation also refuses tokens dated up to this much after it.
   */
  clockToleranceSeconds: number;
  /**
   * `AUTH_REDIS_FAIL_OPEN` (default false): when Redis cannot say whether a token is revoked,
   * accept it unchecked (never cached) instead of answering 503; tokens this instance validated
   * and checked before keep working either way.
   */
  redisFailOpen: boolean;
}

/**
 * The typed constructor options matching {@link AuthSettings}; each overrides its env var.
 *
 * @example
 * const settings: SettingsOptions = { cacheTtlSeconds: 10, wsAllowQueryToken: false };
 * const auth = createAuth(settings);
 */
export type SettingsOptions = Partial<AuthSettings & LimitSettings>;

/** The defaults of {@link LimitSettings}. */
export const DEFAULT_LIMITS: Readonly<LimitSettings> = Object.freeze({
  upstreamMaxConcurrency: 64,
  upstreamMaxQueue: 512,
  revocationTtlSeconds: 86_400,
  clockToleranceSeconds: 60,
  redisFailOpen: false,
});

/** Default access-token cookie name, shared with the proxy and the mock server. */
export const DEFAULT_ACCESS_TOKEN_COOKIE_NAME = "OxaigenPlatformAuthAccessToken";
