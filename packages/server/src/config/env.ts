import { ConfigurationError } from "../kernel/errors.js";

/**
 * Environment variables as read at start-up (`process.env` by default).
 *
 * @example
 * const env: Env = { AUTH_PROVIDER: "keycloak", KEYCLOAK_URL: "https://sso.example.com" };
 * const auth = createAuth({ env });
 */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every variable the SDK reads: {@link snapshotEnv} reads each of them once, and the readers
 * below then only look at that snapshot. A new setting adds its name here.
 */
export const ENV_VARS = Object.freeze([
  // Provider choice and the presets' own variables.
  "AUTH_PROVIDER",
  "AUTH_ENABLED",
  "NODE_ENV",
  "SUPABASE_URL",
  "SUPABASE_JWT_SECRET",
  "KEYCLOAK_URL",
  "KEYCLOAK_REALM",
  "KEYCLOAK_CLIENT_ID",
  "AUTH0_DOMAIN",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  // Local JWT validation.
  "AUTH_ISSUER",
  "AUTH_VERIFY_ISSUER",
  "AUTH_AUDIENCE",
  "AUTH_VERIFY_AUDIENCE",
  "AUTH_JWKS_URL",
  "AUTH_JWT_SECRET",
  "AUTH_ALGORITHMS",
  "AUTH_CLOCK_SKEW",
  "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
  "AUTH_REQUIRED_SCOPE",
  "AUTH_MAX_TOKEN_BYTES",
  "AUTH_JWKS_COOLDOWN_SECONDS",
  "AUTH_JWKS_CACHE_SECONDS",
  "AUTH_JWKS_MAX_STALE_SECONDS",
  "AUTH_HTTP_TIMEOUT_SECONDS",
  "AUTH_USER_ID_CLAIM",
  "AUTH_EMAIL_CLAIM",
  "AUTH_NAME_CLAIM",
  "AUTH_USERNAME_CLAIM",
  "AUTH_ROLES_CLAIM",
  "AUTH_PERMISSIONS_CLAIM",
  "AUTH_SCOPES_CLAIM",
  "AUTH_SCOPES_FORMAT",
  "AUTH_PERMISSION_SOURCES",
  // Proxy mode.
  "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
  "OXAIGEN_AUTH_PROXY_SCHEME",
  "OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS",
  "OXAIGEN_AUTH_DEV_MODE",
  "OXAIGEN_AUTH_DEV_PROXY_URL",
  "OXAIGEN_AUTH_ALLOWED_HOSTS",
  "OXAIGEN_AUTH_TRUST_FORWARDED_HOST",
  // Shared: cookie, cache, WebSocket, CSRF, upstream limits, Redis, back-channel logout.
  "OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME",
  "OXAIGEN_AUTH_CACHE_TTL_SECONDS",
  "OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS",
  "OXAIGEN_AUTH_CACHE_MAX_ENTRIES",
  "AUTH_WS_ALLOW_QUERY_TOKEN",
  "OXAIGEN_AUTH_ALLOWED_ORIGINS",
  "AUTH_UPSTREAM_MAX_CONCURRENCY",
  "AUTH_UPSTREAM_MAX_QUEUE",
  "AUTH_REVOCATION_TTL_SECONDS",
  "AUTH_REDIS_URL",
  "AUTH_REDIS_PREFIX",
  "AUTH_REDIS_FAIL_OPEN",
  "AUTH_BACKCHANNEL_LOGOUT_AUDIENCE",
  // The API as an OAuth protected resource (RFC 9728).
  "AUTH_RESOURCE",
  "AUTH_AUTHORIZATION_SERVERS",
  "AUTH_SCOPES_SUPPORTED",
] as const);

/** The name of a variable the SDK reads. */
export type EnvVar = (typeof ENV_VARS)[number];

const KNOWN: ReadonlySet<string> = new Set(ENV_VARS);

/**
 * Reads every variable of {@link ENV_VARS} from `env` exactly once into a frozen copy; the
 * settings readers work on that copy, so `env` (possibly a live `process.env` or a Workers
 * binding object) is never read again. Looking up a name missing from ENV_VARS throws: a new
 * setting that forgot to list its variable fails its first test instead of reading as unset.
 *
 * @example
 * const vars = snapshotEnv(process.env);
 * readEnv(vars, "AUTH_PROVIDER");
 */
export function snapshotEnv(env: Env): Env {
  const copy: Record<string, string | undefined> = Object.create(null);
  for (const name of ENV_VARS) copy[name] = env[name];
  return new Proxy(Object.freeze(copy), {
    get(target, name) {
      if (typeof name === "string" && !KNOWN.has(name)) {
        throw new Error(
          `@org/auth-server reads ${name}, which config/env.ts ENV_VARS does not list.`,
        );
      }
      return Reflect.get(target, name);
    },
  });
}

// The one reader of settings: every number, boolean and list is parsed here, the same way for
// every variable, and every message names the variable (and the option, when set in code).

/** Reads a variable, treating an empty or blank value as unset. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Where a value came from, for messages: the variable, or when the value was passed in code,
 * `cacheTtlSeconds (the option for OXAIGEN_AUTH_CACHE_TTL_SECONDS)`.
 *
 * @example
 * settingLabel("OXAIGEN_AUTH_PROXY_SCHEME", options.proxyScheme === undefined ? undefined : "proxyScheme");
 */
export function settingLabel(name: string, option: string | undefined): string {
  return option === undefined ? name : `${option} (the option for ${name})`;
}

const DECIMAL = /^[+]?(\d+(\.\d*)?|\.\d+)$/;

interface Bounds {
  min: number;
  max?: number;
  integer?: boolean;
  /** The typed option's name, named in messages when the value came from code. */
  option?: string;
}

/** A number from a typed option, else the variable, else undefined; decimal notation only. */
export function readOptionalNumber(
  env: Env,
  name: string,
  bounds: Bounds,
  option?: number,
): number | undefined {
  const raw = option ?? readEnv(env, name);
  if (raw === undefined) return undefined;
  const value = typeof raw === "number" ? raw : Number(raw);
  const inRange =
    Number.isFinite(value) &&
    value >= bounds.min &&
    (bounds.max === undefined || value <= bounds.max) &&
    (!bounds.integer || Number.isInteger(value));
  if (!inRange || (typeof raw === "string" && !DECIMAL.test(raw))) {
    const kind = bounds.integer ? "an integer" : "a number";
    const range =
      bounds.max === undefined ? `>= ${bounds.min}` : `between ${bounds.min} and ${bounds.max}`;
    const source = typeof raw === "number" ? settingLabel(name, bounds.option) : name;
    throw new ConfigurationError(
      `${source} must be ${kind} ${range} (got ${JSON.stringify(String(raw))}).`,
    );
  }
  return value;
}

/** {@link readOptionalNumber} with a default. */
export function readNumber(
  env: Env,
  name: string,
  option: number | undefined,
  fallback: number,
  bounds: Bounds,
): number {
  return readOptionalNumber(env, name, bounds, option) ?? fallback;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** A boolean variable (`1/true/yes/on`, `0/false/no/off`, any case), or undefined when unset. */
export function readOptionalBoolean(env: Env, name: string): boolean | undefined {
  const raw = readEnv(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigurationError(
    `${name} must be one of 1/true/yes/on or 0/false/no/off (got ${JSON.stringify(raw)}).`,
  );
}

/** A boolean from a typed option, else the variable, else the default. */
export function readBoolean(
  env: Env,
  name: string,
  option: boolean | undefined,
  fallback: boolean,
): boolean {
  return option ?? readOptionalBoolean(env, name) ?? fallback;
}

/** A comma- (or space-) separated list; undefined when unset. */
export function readList(env: Env, name: string): string[] | undefined {
  return readEnv(env, name)
    ?.split(/[\s,]+/)
    .filter((item) => item !== "");
}
