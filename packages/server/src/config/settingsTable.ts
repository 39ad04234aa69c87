import { ConfigurationError } from "../kernel/errors.js";
import { checkBaseUrl } from "../kernel/httpUrl.js";
import {
  DEFAULT_ACCESS_TOKEN_COOKIE_NAME,
  DEFAULT_LIMITS,
  type DpopMode,
} from "../kernel/settings.js";
import {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
} from "../validators/introspection/createClientAuthentication.js";
import type { PermissionSource, ScopesFormat } from "../validators/jwt/mapClaimsToUser.js";
import {
  type Bounds,
  describeBounds,
  type Env,
  parseBoolean,
  parseList,
  parseNumber,
  readEnv,
  settingLabel,
} from "./env.js";

/**
 * Where a setting belongs: the `Settings` section that uses it, and the README table it is listed
 * in (JWT and preset variables under "Local JWT validation", the others under "Settings").
 */
export type SettingSection =
  | "provider"
  | "proxy"
  | "shared"
  | "limits"
  | "redis"
  | "logout"
  | "resource"
  | "dpop"
  | "runtime"
  | "jwt"
  | "keycloak"
  | "supabase"
  | "auth0"
  | "authentik"
  | "introspection";

/**
 * One row of {@link SETTINGS}: the variable, how its value is parsed and checked, its default,
 * the typed option that wins over it, and the words the README shows.
 *
 * @example
 * const row: SettingRow<number> = SETTINGS.cacheTtlSeconds;
 * row.env; // "OXAIGEN_AUTH_CACHE_TTL_SECONDS"
 */
export interface SettingRow<T = unknown, In = T, S extends SettingSection = SettingSection> {
  /** The environment variable. */
  readonly env: string;
  readonly section: S;
  /** What the value is, as the README shows it ("boolean", "an integer >= 1"…). */
  readonly type: string;
  /** Parses a (trimmed, non-empty) env value or an option's value; `label` names its source. */
  readonly parse: (value: string | In, label: string) => T;
  /** The value when neither the option nor the variable is set; undefined: unset. */
  readonly default?: T;
  /** The default as the README shows it (Markdown). */
  readonly defaultText: string;
  /** The typed option of `createAuth` that wins over the variable, if any. */
  readonly option?: string;
  /** Never shown or logged: it grants access (a signing secret). */
  readonly secret: boolean;
  /** What it does, as the README shows it (Markdown). */
  readonly description: string;
}

/** Any row, whatever its value (for lists of rows). */
export type AnyRow = SettingRow<unknown, never>;

/** A row whose default is a value (so its section's value is never undefined). */
type DefaultedRow<T, In = T, S extends SettingSection = SettingSection> = SettingRow<T, In, S> & {
  readonly default: T;
};

interface Kind<T, In = T> {
  type: string;
  parse(value: string | In, label: string): T;
}

interface Extra<T> {
  default?: T;
  defaultText?: string;
  option?: string;
  secret?: boolean;
}

function setting<T, In, S extends SettingSection>(
  env: string,
  section: S,
  kind: Kind<T, In>,
  description: string,
  extra: Extra<T> & { default: T },
): DefaultedRow<T, In, S>;
function setting<T, In, S extends SettingSection>(
  env: string,
  section: S,
  kind: Kind<T, In>,
  description: string,
  extra?: Extra<T>,
): SettingRow<T, In, S>;
function setting<T, In, S extends SettingSection>(
  env: string,
  section: S,
  kind: Kind<T, In>,
  description: string,
  extra: Extra<T> = {},
): SettingRow<T, In, S> {
  const shown = Array.isArray(extra.default) ? extra.default.join(",") : extra.default;
  return Object.freeze({
    env,
    section,
    type: extra.secret === true ? `${kind.type}, secret` : kind.type,
    parse: kind.parse,
    ...(extra.default === undefined ? {} : { default: extra.default }),
    defaultText:
      extra.defaultText ?? (shown === undefined || shown === "" ? "unset" : `\`${shown}\``),
    ...(extra.option === undefined ? {} : { option: extra.option }),
    secret: extra.secret === true,
    description,
  });
}

// The kinds of value a row holds: each parses an env string and checks an option's value the
// same way, naming the source in its messages.

const text: Kind<string> = { type: "string", parse: (value) => value };

const list: Kind<string[], readonly string[]> = {
  type: "list",
  parse: (value) => (typeof value === "string" ? parseList(value) : [...value]),
};

const boolean: Kind<boolean> = {
  type: "boolean",
  // A value from code is taken as given, as it always was.
  parse: (value, label) => (typeof value === "string" ? parseBoolean(value, label) : value),
};

const number = (bounds: Bounds): Kind<number, number> => ({
  type: describeBounds(bounds).replace(/^an? /, ""),
  parse: (value, label) => parseNumber(value, label, bounds),
});

const baseUrl: Kind<string> = { type: "URL", parse: (value, label) => checkBaseUrl(value, label) };

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const cookieName: Kind<string> = {
  type: "cookie name",
  parse(value, label) {
    if (!COOKIE_NAME.test(value)) {
      throw new ConfigurationError(
        `${label} must be a cookie name (letters, digits, !#$%&'*+-.^_\`|~).`,
      );
    }
    return value;
  },
};

/** Exact http(s) origins, normalised as browsers send them. */
const origins: Kind<string[], readonly string[]> = {
  type: "list of origins",
  parse(value, label) {
    const found: string[] = [];
    for (const raw of typeof value === "string" ? value.split(",") : value) {
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
          `${label} has an invalid entry ${JSON.stringify(entry)}: list origins such as https://admin.example.com (scheme, host and port only), separated by commas.`,
        );
      }
      found.push(url.origin);
    }
    return found;
  },
};

const hosts: Kind<string[], readonly string[] | string> = {
  type: "list of hosts",
  parse(value, label) {
    const entries = (typeof value === "string" ? value.split(",") : [...value])
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== "");
    if (entries.length === 0) {
      throw new ConfigurationError(
        `${label} is empty: list the hosts the proxy serves (e.g. app.example.com,*.example.com) or unset it.`,
      );
    }
    return entries;
  },
};

const scheme: Kind<"http" | "https"> = {
  type: "http | https",
  parse(value, label) {
    const lower = value.toString().toLowerCase();
    if (lower !== "http" && lower !== "https") {
      throw new ConfigurationError(`${label} must be "http" or "https".`);
    }
    return lower;
  },
};

const timeout: Kind<number, number> = {
  type: "number > 0",
  parse(value, label) {
    const seconds = parseNumber(value, label, { min: 0 });
    if (seconds === 0) throw new ConfigurationError(`${label} must be greater than 0.`);
    return seconds;
  },
};

const redisUrl: Kind<string> = {
  type: "redis:// URL",
  parse(value, label) {
    if (!/^rediss?:\/\/[^\s]+$/.test(value)) {
      throw new ConfigurationError(
        `${label} must be redis://[user:password@]host:port[/db] or rediss:// (TLS).`,
      );
    }
    return value;
  },
};

const scopesFormat: Kind<ScopesFormat> = {
  type: "space | array | auto",
  parse(value, label) {
    const format = value.toLowerCase();
    if (!["auto", "space", "array"].includes(format)) {
      throw new ConfigurationError(`${label} must be space, array or auto; got "${format}".`);
    }
    return format as ScopesFormat;
  },
};

const permissionSources: Kind<PermissionSource[]> = {
  type: "list",
  parse(value, label) {
    const sources = typeof value === "string" ? parseList(value) : value;
    for (const source of sources) {
      if (!["permissions", "roles", "scopes"].includes(source)) {
        throw new ConfigurationError(
          `${label} lists "${source}"; use permissions, roles and/or scopes.`,
        );
      }
    }
    return sources as PermissionSource[];
  },
};

const clientAuthMethod: Kind<ClientAuthMethod> = {
  type: CLIENT_AUTH_METHODS.join(" | "),
  parse(value, label) {
    const method = value.toLowerCase();
    if (!CLIENT_AUTH_METHODS.includes(method as ClientAuthMethod)) {
      throw new ConfigurationError(
        `${label} must be one of ${CLIENT_AUTH_METHODS.join(", ")} (got ${JSON.stringify(method.slice(0, 40))}).`,
      );
    }
    return method as ClientAuthMethod;
  },
};

const dpopMode: Kind<DpopMode> = {
  type: "off | allowed | required",
  parse(value, label) {
    const mode = value.toLowerCase();
    if (mode !== "off" && mode !== "allowed" && mode !== "required") {
      throw new ConfigurationError(`${label} must be one of off, allowed, required.`);
    }
    return mode;
  },
};

/** A secret every instance of a fleet shares: at least 32 characters. */
const sharedSecret: Kind<string> = {
  type: "string (≥ 32 characters)",
  parse(value, label) {
    if (value.length < 32) {
      throw new ConfigurationError(
        `${label} must be at least 32 characters (a random value shared by every instance).`,
      );
    }
    return value;
  },
};

/** Default `OXAIGEN_AUTH_DEV_PROXY_URL`: where the mock server listens. */
export const DEFAULT_DEV_PROXY_URL = "http://127.0.0.1:8765";

const JWT_LINK =
  "[Local JWT validation](#local-jwt-validation-keycloak-supabase-auth0-authentik-okta-azure-ad-any-oidc-provider)";

/**
 * Every variable the SDK reads, one row each: the one place a variable's name, parser, default,
 * section, option and description are written. `readSettings` reads each of them once; the
 * README's settings tables are generated from it (`pnpm --filter @org/auth-server docs:settings`).
 * Env names and defaults are a public contract.
 *
 * @example
 * readOptionalSetting(env, SETTINGS.cacheTtlSeconds, options.cacheTtlSeconds); // undefined when neither is set
 */
export const SETTINGS = Object.freeze({
  // Which validator.
  provider: setting(
    "AUTH_PROVIDER",
    "provider",
    text,
    `proxy, jwt, keycloak, supabase, auth0, authentik, okta, azure, none, or a registered adapter's name; see ${JWT_LINK}`,
    { defaultText: "auto-detected (proxy mode)" },
  ),
  enabled: setting(
    "AUTH_ENABLED",
    "provider",
    boolean,
    "a bare `false` switches auth off (with a loud warning); next to any provider or proxy variable it stops start-up",
    { defaultText: "`true`" },
  ),
  // Proxy mode.
  proxyScheme: setting(
    "OXAIGEN_AUTH_PROXY_SCHEME",
    "proxy",
    scheme,
    "scheme of the URL derived from the request host (`http` for dev)",
    { option: "proxyScheme", default: "https" as const },
  ),
  proxyTimeoutSeconds: setting(
    "OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS",
    "proxy",
    timeout,
    "whole-request deadline of each proxy call (connect + headers + body)",
    { option: "proxyTimeoutSeconds", default: 5, defaultText: "`5.0`" },
  ),
  proxyUrlOverride: setting(
    "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
    "proxy",
    baseUrl,
    "fixed proxy base URL; wins over everything",
    { option: "proxyUrlOverride" },
  ),
  devMode: setting(
    "OXAIGEN_AUTH_DEV_MODE",
    "proxy",
    boolean,
    "`1`/`true`: call `OXAIGEN_AUTH_DEV_PROXY_URL` (the local mock) instead of deriving",
    { option: "devMode", default: false },
  ),
  devProxyUrl: setting(
    "OXAIGEN_AUTH_DEV_PROXY_URL",
    "proxy",
    baseUrl,
    "where the mock server listens",
    { option: "devProxyUrl", default: DEFAULT_DEV_PROXY_URL },
  ),
  allowedHosts: setting(
    "OXAIGEN_AUTH_ALLOWED_HOSTS",
    "proxy",
    hosts,
    "hosts allowed to vouch for tokens (below); required when `NODE_ENV=production`",
    { option: "allowedHosts", defaultText: "unset (any host, with a warning)" },
  ),
  trustForwardedHost: setting(
    "OXAIGEN_AUTH_TRUST_FORWARDED_HOST",
    "proxy",
    boolean,
    "derive the proxy URL from X-Forwarded-Host when present; `false`: from Host only (below)",
    { option: "trustForwardedHost", default: true },
  ),
  // Shared by every mode: cookie, CSRF, caches, WebSocket.
  accessTokenCookieName: setting(
    "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME",
    "shared",
    cookieName,
    "access cookie read when there is no Authorization header",
    { option: "accessTokenCookieName", default: DEFAULT_ACCESS_TOKEN_COOKIE_NAME },
  ),
  cacheTtlSeconds: setting(
    "OXAIGEN_AUTH_CACHE_TTL_SECONDS",
    "shared",
    number({ min: 0 }),
    "user and permission cache TTL (`0` disables)",
    { option: "cacheTtlSeconds", default: 30 },
  ),
  negativeCacheTtlSeconds: setting(
    "OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS",
    "shared",
    number({ min: 0 }),
    "TTL of invalid-token entries (`0` disables)",
    { option: "negativeCacheTtlSeconds", default: 5 },
  ),
  cacheMaxEntries: setting(
    "OXAIGEN_AUTH_CACHE_MAX_ENTRIES",
    "shared",
    number({ min: 1, integer: true }),
    "LRU bound of each cache (users, invalid tokens, permissions)",
    { option: "cacheMaxEntries", default: 1024 },
  ),
  wsAllowQueryToken: setting(
    "AUTH_WS_ALLOW_QUERY_TOKEN",
    "shared",
    boolean,
    "`true`: also accept `?access_token=` on WebSocket upgrades (the token then shows in access logs)",
    { option: "wsAllowQueryToken", default: false },
  ),
  allowedOrigins: setting(
    "OXAIGEN_AUTH_ALLOWED_ORIGINS",
    "shared",
    origins,
    "other origins (`https://admin.example.com`) whose cookie-authenticated unsafe requests are accepted ([CSRF](#csrf-cookie-authenticated-requests))",
    { option: "allowedOrigins", default: [], defaultText: "unset (same origin only)" },
  ),
  maxTokenAge: setting(
    "AUTH_MAX_TOKEN_AGE",
    "shared",
    number({ min: 1 }),
    "seconds after sign-in (`auth_time`, else `iat`) a token is accepted, in every mode; guards may tighten it ([token age](#token-age-and-type))",
    { option: "maxTokenAge", defaultText: "unset (no limit)" },
  ),
  // Flood and fleet bounds.
  upstreamMaxConcurrency: setting(
    "AUTH_UPSTREAM_MAX_CONCURRENCY",
    "limits",
    number({ min: 1, integer: true }),
    "upstream validations in flight per instance",
    { option: "upstreamMaxConcurrency", default: DEFAULT_LIMITS.upstreamMaxConcurrency },
  ),
  upstreamMaxQueue: setting(
    "AUTH_UPSTREAM_MAX_QUEUE",
    "limits",
    number({ min: 0, integer: true }),
    "validations waiting beyond that; more are answered 503",
    { option: "upstreamMaxQueue", default: DEFAULT_LIMITS.upstreamMaxQueue },
  ),
  revocationTtlSeconds: setting(
    "AUTH_REVOCATION_TTL_SECONDS",
    "limits",
    number({ min: 1 }),
    "the least a revocation is remembered (a token's until its `exp`, a subject's or session's for the longest token lifetime accepted)",
    { option: "revocationTtlSeconds", default: DEFAULT_LIMITS.revocationTtlSeconds },
  ),
  clockToleranceSeconds: setting(
    "AUTH_CLOCK_SKEW",
    "limits",
    number({ min: 0, max: 3600 }),
    "clock tolerance: on `exp`/`nbf` in JWT mode, and a subject/user/session revocation also refuses tokens dated up to this much after it",
    { option: "clockToleranceSeconds", default: DEFAULT_LIMITS.clockToleranceSeconds },
  ),
  redisFailOpen: setting(
    "AUTH_REDIS_FAIL_OPEN",
    "limits",
    boolean,
    "`true`: when Redis cannot say whether a token is revoked, accept it unchecked (never cached) instead of `503 revocation_unavailable`",
    { option: "redisFailOpen", default: DEFAULT_LIMITS.redisFailOpen },
  ),
  // The shared (Redis) level.
  redisUrl: setting(
    "AUTH_REDIS_URL",
    "redis",
    redisUrl,
    "the shared cache and fleet-wide revocation ([Redis](#many-instances-a-shared-cache-and-instant-revocation-on-redis)); the option `redis: false` turns it off",
    { option: "redis.url", defaultText: "unset (no shared level)", secret: true },
  ),
  redisPrefix: setting("AUTH_REDIS_PREFIX", "redis", text, "prefix of every Redis key", {
    option: "redis.prefix",
    defaultText: "`oxaigen-auth:`",
  }),
  // Back-channel logout.
  backchannelLogoutAudience: setting(
    "AUTH_BACKCHANNEL_LOGOUT_AUDIENCE",
    "logout",
    list,
    "accepted `aud` of back-channel logout tokens: this app's client id(s) at the provider (comma-separated)",
    { option: "backchannelLogout.audience", defaultText: "`AUTH_AUDIENCE`" },
  ),
  // This API as an OAuth protected resource (RFC 9728, RFC 8707).
  resource: setting(
    "AUTH_RESOURCE",
    "resource",
    text,
    "this API's resource identifier (https; e.g. an MCP endpoint URL): every token must name it in `aud`, and every challenge names its metadata ([MCP](#protect-an-mcp-server))",
    { option: "resource" },
  ),
  authorizationServers: setting(
    "AUTH_AUTHORIZATION_SERVERS",
    "resource",
    list,
    "issuer URL(s) of the authorization server(s) that issue its tokens, listed in its metadata; required with `AUTH_RESOURCE`",
    { option: "authorizationServers" },
  ),
  scopesSupported: setting(
    "AUTH_SCOPES_SUPPORTED",
    "resource",
    list,
    "`scopes_supported` of its metadata: what MCP clients ask for when no challenge names a scope",
    { option: "scopesSupported" },
  ),
  // DPoP (RFC 9449).
  dpop: setting(
    "AUTH_DPOP",
    "dpop",
    dpopMode,
    "key-bound tokens ([DPoP](#dpop-tokens-a-thief-cannot-use)): `allowed` accepts them only with a proof, `required` refuses unbound tokens, `off` refuses bound ones",
    { option: "dpop", default: "allowed" as DpopMode },
  ),
  dpopNonceSecret: setting(
    "AUTH_DPOP_NONCE_SECRET",
    "dpop",
    sharedSecret,
    "set (the same on every instance): DPoP proofs must carry a server nonce (`use_dpop_nonce`)",
    { option: "dpopNonceSecret", secret: true },
  ),
  nodeEnv: setting(
    "NODE_ENV",
    "runtime",
    text,
    "`production` refuses unsafe proxy settings at start-up",
  ),
  // Local JWT validation (every preset); the presets' defaults sit under these.
  issuer: setting(
    "AUTH_ISSUER",
    "jwt",
    text,
    "expected `iss`; discovery starts at `{issuer}/.well-known/openid-configuration`, whose `issuer` must match exactly",
    { defaultText: "preset" },
  ),
  oidcIssuer: setting(
    "OIDC_ISSUER",
    "jwt",
    text,
    "the issuer under its OIDC name (Authentik's, ending in `/`); the same as `AUTH_ISSUER`, which wins when both are set",
    { defaultText: "preset" },
  ),
  verifyIssuer: setting(
    "AUTH_VERIFY_ISSUER",
    "jwt",
    boolean,
    "`false` switches the `iss` check off (not recommended)",
    { defaultText: "`true`" },
  ),
  audience: setting(
    "AUTH_AUDIENCE",
    "jwt",
    list,
    "accepted `aud` values (comma-separated); required",
    { defaultText: "preset" },
  ),
  verifyAudience: setting(
    "AUTH_VERIFY_AUDIENCE",
    "jwt",
    boolean,
    "`false` switches the `aud` check off (not recommended)",
    { defaultText: "`true`" },
  ),
  jwksUrl: setting("AUTH_JWKS_URL", "jwt", text, "skip discovery and fetch keys here", {
    defaultText: "from discovery",
  }),
  jwtSecret: setting(
    "AUTH_JWT_SECRET",
    "jwt",
    text,
    "shared secret (≥ 32 bytes) that enables HS256; without it HMAC tokens are refused",
    { secret: true },
  ),
  algorithms: setting(
    "AUTH_ALGORITHMS",
    "jwt",
    list,
    "narrows the allowed algorithms; `none` is never accepted",
    { defaultText: "`RS256…RS512, PS256…PS512, ES256…ES512, EdDSA`" },
  ),
  requiredScopes: setting(
    "AUTH_REQUIRED_SCOPE",
    "jwt",
    list,
    "scopes every token must carry (space/comma-separated) → 401 otherwise",
  ),
  maxTokenBytes: setting(
    "AUTH_MAX_TOKEN_BYTES",
    "jwt",
    number({ min: 1024, max: 16_384 }),
    "longer tokens are refused before any parsing",
    { defaultText: "`16384`" },
  ),
  maxTokenLifetimeSeconds: setting(
    "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
    "jwt",
    number({ min: 1, integer: true }),
    "tokens whose `exp` lies further after their `iat` are refused, so a revocation is remembered their whole life",
    { defaultText: "`86400`" },
  ),
  jwksCooldownSeconds: setting(
    "AUTH_JWKS_COOLDOWN_SECONDS",
    "jwt",
    number({ min: 1, max: 3600 }),
    "an unknown `kid` refetches the JWKS at most once per cooldown",
    { defaultText: "`30`" },
  ),
  jwksCacheSeconds: setting(
    "AUTH_JWKS_CACHE_SECONDS",
    "jwt",
    number({ min: 1, max: 86_400 }),
    "after this the key set is refreshed in the background",
    { defaultText: "`600`" },
  ),
  jwksMaxStaleSeconds: setting(
    "AUTH_JWKS_MAX_STALE_SECONDS",
    "jwt",
    number({ min: 0, max: 604_800 }),
    "how long cached keys keep working while the JWKS endpoint is down",
    { defaultText: "`3600`" },
  ),
  httpTimeoutSeconds: setting(
    "AUTH_HTTP_TIMEOUT_SECONDS",
    "jwt",
    number({ min: 0.1, max: 60 }),
    "timeout of discovery / JWKS / introspection requests",
    { defaultText: "`5`" },
  ),
  userIdClaim: setting(
    "AUTH_USER_ID_CLAIM",
    "jwt",
    text,
    "claim path(s) of `user.id` (dotted, comma-separated: first present wins)",
    { defaultText: "`sub`" },
  ),
  emailClaim: setting("AUTH_EMAIL_CLAIM", "jwt", text, "`user.email`", { defaultText: "`email`" }),
  nameClaim: setting("AUTH_NAME_CLAIM", "jwt", text, "`user.name`", { defaultText: "`name`" }),
  userNameClaim: setting("AUTH_USERNAME_CLAIM", "jwt", text, "`user.userName`", {
    defaultText: "`preferred_username`",
  }),
  rolesClaim: setting(
    "AUTH_ROLES_CLAIM",
    "jwt",
    text,
    "`user.roles` (all listed paths are merged), e.g. `realm_access.roles,groups`",
    { defaultText: "`roles`" },
  ),
  permissionsClaim: setting("AUTH_PERMISSIONS_CLAIM", "jwt", text, "`user.permissions`", {
    defaultText: "`permissions`",
  }),
  scopesClaim: setting("AUTH_SCOPES_CLAIM", "jwt", text, "`user.scopes`", {
    defaultText: "`scope,scp`",
  }),
  scopesFormat: setting(
    "AUTH_SCOPES_FORMAT",
    "jwt",
    scopesFormat,
    "`space` (string only, Azure), `array` (array only), `auto` (either)",
    { defaultText: "`auto`" },
  ),
  permissionSources: setting(
    "AUTH_PERMISSION_SOURCES",
    "jwt",
    permissionSources,
    "which lists satisfy `requirePermission(name)`; add `scopes` to let scopes count (check scopes with `requireScope`)",
    { defaultText: "`permissions,roles`" },
  ),
  requireAtJwt: setting(
    "AUTH_REQUIRE_AT_JWT",
    "jwt",
    boolean,
    "`true` accepts only RFC 9068 access tokens (header `typ: at+jwt`) ([token type](#token-age-and-type))",
    { defaultText: "`false`" },
  ),
  issuers: setting(
    "AUTH_ISSUERS",
    "jwt",
    list,
    "trusted issuers (comma-separated), each with its own discovery and keys, sharing `AUTH_AUDIENCE`; see [Many issuers](#many-issuers)",
    { option: "issuers", defaultText: "unset (one issuer)" },
  ),
  // The presets' own variables (see the presets table).
  keycloakUrl: setting(
    "KEYCLOAK_URL",
    "keycloak",
    text,
    "Keycloak's base URL; with `KEYCLOAK_REALM` it selects the `keycloak` preset",
  ),
  keycloakRealm: setting(
    "KEYCLOAK_REALM",
    "keycloak",
    text,
    "the realm: issuer `{KEYCLOAK_URL}/realms/{realm}`",
  ),
  keycloakClientId: setting(
    "KEYCLOAK_CLIENT_ID",
    "keycloak",
    text,
    "this API's client id: the audience (or `azp`), and whose client roles count",
  ),
  supabaseUrl: setting(
    "SUPABASE_URL",
    "supabase",
    text,
    "the project URL: issuer `{url}/auth/v1`; selects the `supabase` preset",
  ),
  supabaseJwtSecret: setting(
    "SUPABASE_JWT_SECRET",
    "supabase",
    text,
    "the project's legacy HS256 secret; enables HS256",
    { secret: true },
  ),
  auth0Domain: setting(
    "AUTH0_DOMAIN",
    "auth0",
    text,
    "the tenant's domain: issuer `https://{domain}/`",
  ),
  oidcClientId: setting(
    "OIDC_CLIENT_ID",
    "authentik",
    text,
    "the application's client id: the audience under `AUTH_PROVIDER=authentik`",
  ),
  // Token introspection (RFC 7662), alone or next to a JWT provider (mixed mode).
  introspectionUrl: setting(
    "AUTH_INTROSPECTION_URL",
    "introspection",
    text,
    "the RFC 7662 endpoint; alone it selects `introspection`, next to a JWT provider it is mixed mode",
    { defaultText: "from discovery (`introspection_endpoint`)" },
  ),
  clientId: setting(
    "AUTH_CLIENT_ID",
    "introspection",
    text,
    "this API's client id at the authorization server; required for introspection",
  ),
  clientSecret: setting(
    "AUTH_CLIENT_SECRET",
    "introspection",
    text,
    "its client secret (`client_secret_basic`, `client_secret_post`)",
    { secret: true },
  ),
  clientPrivateKey: setting(
    "AUTH_CLIENT_PRIVATE_KEY",
    "introspection",
    text,
    "its private key for `private_key_jwt`: PKCS#8 PEM (`\\n` escapes allowed) or a JWK (JSON; its `kid` is sent)",
    { secret: true },
  ),
  introspectionAuthMethod: setting(
    "AUTH_INTROSPECTION_AUTH_METHOD",
    "introspection",
    clientAuthMethod,
    "how this API authenticates to the endpoint",
    { defaultText: "`client_secret_basic`; `private_key_jwt` with a key" },
  ),
});

/**
 * Every variable the SDK reads, in table order: `snapshotEnv` reads each of them once.
 *
 * @example
 * ENV_VARS.includes("AUTH_PROVIDER"); // true
 */
export const ENV_VARS: readonly string[] = Object.freeze(
  Object.values(SETTINGS).map((row: AnyRow) => row.env),
);

/**
 * A row's value from its typed option when given (messages then name the option), else from the
 * variable, else undefined; invalid values throw a ConfigurationError.
 *
 * @example
 * const skew = readOptionalSetting(vars, SETTINGS.clockToleranceSeconds);
 */
export function readOptionalSetting<T, In>(
  env: Env,
  row: SettingRow<T, In>,
  option?: In,
): T | undefined {
  if (option !== undefined) return row.parse(option, settingLabel(row.env, row.option));
  const raw = readEnv(env, row.env);
  return raw === undefined ? undefined : row.parse(raw, row.env);
}

type Rows = typeof SETTINGS;
type ValueOf<R> = R extends { readonly default: infer T }
  ? T
  : R extends SettingRow<infer T, never>
    ? T | undefined
    : never;

/**
 * The values of one section's rows, by row key (the key is the typed option's name).
 *
 * @example
 * const limits: SectionValues<"limits"> = readSettingsSection(env, "limits", options);
 */
export type SectionValues<S extends SettingSection> = {
  -readonly [K in keyof Rows as Rows[K]["section"] extends S ? K : never]: ValueOf<Rows[K]>;
};

/**
 * Every row of `section`, each from its typed option in `options`, else its variable, else its
 * default, in table order (the order errors are reported in).
 *
 * @example
 * const auth = readSettingsSection(vars, "shared", { cacheTtlSeconds: 10 });
 */
export function readSettingsSection<S extends SettingSection>(
  env: Env,
  section: S,
  options: object = {},
): SectionValues<S> {
  const values: Record<string, unknown> = {};
  for (const [key, row] of Object.entries(SETTINGS) as [string, AnyRow][]) {
    if (row.section !== section) continue;
    const option =
      row.option === undefined ? undefined : (options as Record<string, never>)[row.option];
    const value = readOptionalSetting(env, row, option);
    values[key] = value !== undefined || row.default === undefined ? value : copy(row.default);
  }
  return values as SectionValues<S>;
}

/** A default as a fresh value: a list is copied, so no instance shares the table's. */
function copy<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : value) as T;
}

/**
 * Whether a row's variable is set (not blank), for detection: its value is not parsed.
 *
 * @example
 * isSet(vars, SETTINGS.supabaseUrl);
 */
export function isSet(env: Env, row: AnyRow): boolean {
  return readEnv(env, row.env) !== undefined;
}
