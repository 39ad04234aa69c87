import { MockAuthError } from "../MockAuthError.js";
import type { MockUser } from "./MockUser.js";
import { type OidcClient, parseClients } from "./OidcClient.js";
import { type Persona, parsePersonas } from "./Persona.js";
import {
  type CorsOrigins,
  parseBoolean,
  parseChoice,
  parseCookieName,
  parseHost,
  parseHttpUrl,
  parseInteger,
  parseNameList,
  parseOptionalToken,
  parseOrigin,
  parseOrigins,
  parsePath,
  parseText,
  parseTextList,
  parseToken,
  parseTokenList,
} from "./parse.js";

/**
 * Every setting of the mock's request handling (the env vars, camelCased).
 *
 * @example
 * const mock = createMockAuth({ expiresIn: 60 });
 * const settings: Readonly<MockAuthSettings> = mock.settings;
 * settings.accessCookieName; // "OxaigenPlatformAuthAccessToken" (the default)
 * settings.expiresIn; // 60
 */
export interface MockAuthSettings extends MockUser {
  /** Public base URL: issuer of the JWTs and prefix of every redirect. */
  baseUrl: string;
  /** Browser origins allowed to call the mock (CORS and login `origin`); default `loopback`. */
  corsOrigins: CorsOrigins;
  tokens: string[];
  accessTokenValue: string;
  refreshTokenValue: string;
  accessCookieName: string;
  refreshCookieName: string;
  expiresIn: number;
  refreshExpiresIn: number;
  /** Seconds a rotated refresh token presented again answers the same successor; 0: never. */
  refreshReuseInterval: number;
  returnTo: string;
  authorizePath: string;
  authCode: string;
  loginAuthorizeUrl: string | null;
  forbiddenToken: string | null;
  audience: string;
  stateApi: boolean;
  /** DPoP proofs must carry the mock's server nonce (`use_dpop_nonce` answers with it). */
  dpopNonce: boolean;
  /** OpenID login personas besides the configured user and the built-in mock-admin/mock-viewer. */
  personas: Persona[];
  /** OAuth clients besides the zero-config `mock-client` and `mock-public-client`. */
  clients: OidcClient[];
  /** `auto`: `/oidc/authorize` approves at once; `interactive`: a page to pick a persona. */
  loginMode: "auto" | "interactive";
  /** Persona (id, user name or email) an automatic login picks; `null`: the configured user. */
  loginPersona: string | null;
}

/** Settings of the process around the handler (bind address, reload, key file). */
export interface MockServerSettings {
  host: string;
  port: number;
  reload: boolean;
  signingKeyFile: string | null;
  envFile: string | null;
  redisUrl: string | null;
}

type AllSettings = MockAuthSettings & MockServerSettings;

/** One documented setting: option name, env var, default and parser. */
export interface SettingSpec {
  key: keyof AllSettings;
  env: string;
  /** The default value; `undefined` when it is decided at run time (see `defaultText`). */
  defaultValue: unknown;
  /** Default as shown in `--help` and the README, derived from `defaultValue`. */
  defaultText: string;
  description: string;
  parse: (value: unknown, label: string) => unknown;
}

const YEAR = 365 * 24 * 3600;

/** How a default reads in `--help`: lists comma-separated (as the env var takes them). */
function showDefault(value: unknown): string {
  if (value === null) return "(unset)";
  return Array.isArray(value) ? value.join(",") : String(value);
}

function spec<K extends keyof AllSettings>(
  key: K,
  suffix: string,
  defaultValue: AllSettings[K] | undefined,
  description: string,
  parse: SettingSpec["parse"],
  shownAs?: string,
): SettingSpec {
  const defaultText = shownAs ?? showDefault(defaultValue);
  return { key, env: `OXAIGEN_AUTH_MOCK_${suffix}`, defaultValue, defaultText, description, parse };
}

const optionalUrl = (v: unknown, l: string) => (v === "" || v == null ? null : parseHttpUrl(v, l));
const optionalText = (v: unknown, l: string) => (v === "" || v == null ? null : parseText(v, l));
const seconds = (v: unknown, l: string) => parseInteger(v, l, 1, YEAR);
const optionalRedisUrl = (v: unknown, l: string) => {
  if (v === "" || v == null) return null;
  const url = parseText(v, l);
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) {
    throw new MockAuthError("invalid_config", `${l} must be a redis:// or rediss:// URL`);
  }
  return url;
};

/** A JSON list from the environment, or the list itself from code and the state API. */
function jsonList<T>(parse: (v: unknown, l: string) => T[]) {
  return (v: unknown, l: string): T[] => {
    if (typeof v !== "string") return parse(v, l);
    try {
      return parse(JSON.parse(v), l);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new MockAuthError("invalid_config", `${l}: expected a JSON array (${error.message})`);
    }
  };
}

const parseLoginMode = (v: unknown, l: string) =>
  parseChoice(v, l, ["auto", "interactive"] as const);

/**
 * Every setting, in `--help` order: the one place where a setting's env name, default and
 * parser are written. Env names and defaults are a public contract.
 */
export const SETTINGS: readonly SettingSpec[] = [
  spec("host", "HOST", "127.0.0.1", "Address to bind (non-loopback prints a warning)", parseHost),
  spec("port", "PORT", 8765, "Port to bind; 0 picks a free port", (v, l) =>
    parseInteger(v, l, 0, 65535),
  ),
  spec(
    "reload",
    "RELOAD",
    false,
    "1|true|yes: re-read the config (env file + env) on SIGHUP and when OXAIGEN_AUTH_MOCK_ENV_FILE changes, then restart the listener",
    parseBoolean,
  ),
  spec(
    "envFile",
    "ENV_FILE",
    null,
    "A KEY=value file of OXAIGEN_AUTH_MOCK_* settings, read at start (its values win over the environment)",
    optionalText,
  ),
  spec(
    "corsOrigins",
    "CORS_ORIGINS",
    "loopback",
    '"loopback" (pages on localhost, *.localhost, 127.x.x.x, [::1], any port), comma-separated origins, or "*" (any page you visit; logins still go to loopback or listed origins only)',
    parseOrigins,
  ),
  spec(
    "tokens",
    "TOKENS",
    ["mock-dev-token"],
    "Comma-separated static access tokens (never expire)",
    parseTokenList,
  ),
  spec(
    "accessTokenValue",
    "ACCESS_TOKEN_VALUE",
    "mock-dev-token",
    "Static dev access token, always valid in addition to TOKENS",
    parseToken,
  ),
  spec(
    "refreshTokenValue",
    "REFRESH_TOKEN_VALUE",
    "mock-dev-refresh-token",
    "Static dev refresh token: POST /_oxa_auth/refresh with it as the refresh cookie mints a session",
    parseToken,
  ),
  spec(
    "accessCookieName",
    "ACCESS_COOKIE_NAME",
    "OxaigenPlatformAuthAccessToken",
    "Access token cookie (readable by JS)",
    parseCookieName,
  ),
  spec(
    "refreshCookieName",
    "REFRESH_COOKIE_NAME",
    "OxaigenPlatformAuthRefreshToken",
    "Refresh token cookie (HttpOnly)",
    parseCookieName,
  ),
  spec("expiresIn", "EXPIRES_IN", 300, "Access token (JWT) lifetime, seconds", seconds),
  spec("refreshExpiresIn", "REFRESH_EXPIRES_IN", 1800, "Refresh token lifetime, seconds", seconds),
  spec(
    "refreshReuseInterval",
    "REFRESH_REUSE_INTERVAL",
    10,
    "Seconds a rotated refresh token presented again answers the same successor (a page reloaded while its refresh was answered never stored the new one); later reuse ends the session; 0: never",
    (v, l) => parseInteger(v, l, 0, 300),
  ),
  spec("returnTo", "RETURN_TO", "/", "Fallback return path after login", parsePath),
  spec(
    "authorizePath",
    "AUTHORIZE_PATH",
    "/_oxa_auth/mock-authorize",
    "Path of the mock identity provider's authorize step",
    parsePath,
  ),
  spec(
    "authCode",
    "AUTH_CODE",
    "mock-auth-code",
    "Code the mock IdP hands to the callback",
    parseToken,
  ),
  spec(
    "loginAuthorizeUrl",
    "LOGIN_AUTHORIZE_URL",
    null,
    "If set, login redirects here (with state and redirect_uri) instead of the mock authorize path",
    optionalUrl,
  ),
  spec("email", "EMAIL", "mock.user@example.com", "User email", parseText),
  spec("userName", "USER_NAME", "mock-user", "User name (preferred_username)", parseText),
  spec("firstName", "FIRST_NAME", "Mock", "User first name", parseText),
  spec("lastName", "LAST_NAME", "User", "User last name", parseText),
  spec("userId", "USER_ID", "mock-user-id", "User id (JWT sub)", parseText),
  spec("accountType", "ACCOUNT_TYPE", "internal", "Account type (internal|external)", parseText),
  spec("workspaceId", "WORKSPACE_ID", "mock-workspace-id", "Workspace id", parseText),
  spec("workspaceName", "WORKSPACE_NAME", "Mock Workspace", "Workspace name", parseText),
  spec(
    "roleNames",
    "ROLE_NAMES",
    ["member"],
    "Comma-separated workspace role names",
    parseTextList,
  ),
  spec(
    "permissions",
    "PERMISSIONS",
    ["read"],
    "Comma-separated granted permissions",
    parseNameList,
  ),
  spec(
    "forbiddenToken",
    "FORBIDDEN_TOKEN",
    "mock-forbidden-token",
    "A token that authenticates but is denied every permission (empty: none)",
    parseOptionalToken,
  ),
  spec("audience", "AUDIENCE", "oxaigen-mock", "JWT aud claim", parseText),
  spec(
    "baseUrl",
    "PUBLIC_URL",
    undefined,
    "Public origin of the mock (JWT issuer, redirect base) when it sits behind a proxy",
    parseOrigin,
    "http://HOST:PORT",
  ),
  spec(
    "signingKeyFile",
    "SIGNING_KEY_FILE",
    null,
    "Path to a private EC P-256 JWK (JSON) to sign ES256 JWTs with; default: a P-256 key generated once per process, on first use",
    optionalText,
    "(generated)",
  ),
  spec(
    "redisUrl",
    "REDIS_URL",
    null,
    "redis:// or rediss:// URL: publish revocations (logout, refresh-token reuse, revoked OpenID grants and tokens) and state changes there, for backends using @org/auth-server with AUTH_REDIS_URL",
    optionalRedisUrl,
  ),
  spec(
    "stateApi",
    "STATE_API",
    true,
    "Serve GET/PUT/DELETE /_oxa_auth/mock/state and POST /_oxa_auth/mock/token (change the user, permissions, tokens at run time; mint test tokens)",
    parseBoolean,
  ),
  spec(
    "dpopNonce",
    "DPOP_NONCE",
    false,
    "DPoP nonce mode: proofs must carry the server nonce (a use_dpop_nonce answer hands it out in DPoP-Nonce; it rotates every minute)",
    parseBoolean,
  ),
  spec(
    "personas",
    "PERSONAS",
    [],
    'JSON array of OpenID login personas, e.g. [{"id":"ada","email":"ada@example.test","roles":["admin"]}] (the configured user, mock-admin and mock-viewer always exist)',
    jsonList(parsePersonas),
    "[]",
  ),
  spec(
    "clients",
    "OIDC_CLIENTS",
    [],
    'JSON array of OAuth clients, e.g. [{"clientId":"web","clientSecret":null,"redirectUris":["https://app.test/cb"]}] (mock-client / mock-client-secret and mock-public-client always exist)',
    jsonList(parseClients),
    "[]",
  ),
  spec(
    "loginMode",
    "LOGIN_MODE",
    "auto",
    "auto: /oidc/authorize logs in at once (login_hint picks a persona); interactive: a page to pick a persona",
    parseLoginMode,
  ),
  spec(
    "loginPersona",
    "LOGIN_PERSONA",
    null,
    "Persona (id, user name or email) an automatic OpenID login picks; default: the configured user",
    optionalText,
  ),
];

/** The settings of the process around the handler; every other setting is a handler's. */
const SERVER_KEYS: ReadonlySet<keyof AllSettings> = new Set<keyof MockServerSettings>([
  "host",
  "port",
  "reload",
  "signingKeyFile",
  "envFile",
  "redisUrl",
]);

/** The defaults of the settings `pick` selects, read from `SETTINGS` (lists copied). */
function defaultsWhere(pick: (s: SettingSpec) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    if (!pick(s) || s.defaultValue === undefined) continue;
    out[s.key] = Array.isArray(s.defaultValue) ? [...s.defaultValue] : s.defaultValue;
  }
  return out;
}

/** Defaults of the request-handling settings (baseUrl excluded: it depends on where it runs). */
export const DEFAULT_AUTH_SETTINGS = defaultsWhere((s) => !SERVER_KEYS.has(s.key)) as Omit<
  MockAuthSettings,
  "baseUrl"
>;

/** Defaults of the process settings. */
export const DEFAULT_SERVER_SETTINGS = defaultsWhere((s) =>
  SERVER_KEYS.has(s.key),
) as unknown as MockServerSettings;

/**
 * The parser of one setting, for the places that accept the same value elsewhere (the run-time
 * state API), so a value is validated the same way wherever it comes in.
 */
export function settingParser(key: keyof AllSettings): SettingSpec["parse"] {
  const found = SETTINGS.find((s) => s.key === key);
  if (!found) throw new Error(`no setting ${key}`);
  return found.parse;
}

/**
 * Validate `input` (typed options or env strings) with the setting parsers; `labelOf` names the
 * source in error messages (the env var or `options.x`). Unknown keys are ignored by design here:
 * callers decide which keys exist.
 */
export function parseSettings(
  input: Record<string, unknown>,
  labelOf: (s: SettingSpec) => string,
  readValue: (s: SettingSpec) => unknown = (s) => input[s.key],
): Partial<AllSettings> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const value = readValue(s);
    if (value !== undefined) out[s.key] = s.parse(value, labelOf(s));
  }
  return out as Partial<AllSettings>;
}
