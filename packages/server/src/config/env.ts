import { ConfigurationError } from "../kernel/errors.js";

/**
 * Environment variables as read at start-up (`process.env` by default).
 *
 * @example
 * const env: Env = { AUTH_PROVIDER: "keycloak", KEYCLOAK_URL: "https://sso.example.com" };
 * const auth = createAuth({ env });
 */
export type Env = Readonly<Record<string, string | undefined>>;

// The one reader of raw values and the parsers the settings table's rows are made of: every
// number, boolean and list is parsed here, the same way for every variable, and every message
// names the variable (or the option, when the value was passed in code).

/**
 * Reads a variable, treating an empty or blank value as unset.
 *
 * @example
 * readEnv({ AUTH_PROVIDER: " " }, "AUTH_PROVIDER"); // undefined
 */
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

/**
 * The range a number setting accepts.
 *
 * @example
 * const bounds: Bounds = { min: 1, integer: true };
 */
export interface Bounds {
  min: number;
  max?: number;
  integer?: boolean;
}

/**
 * A number from an env string (decimal notation only) or from code, checked against `bounds`.
 *
 * @example
 * parseNumber("30", "OXAIGEN_AUTH_CACHE_TTL_SECONDS", { min: 0 }); // 30
 */
export function parseNumber(raw: string | number, label: string, bounds: Bounds): number {
  const value = typeof raw === "number" ? raw : Number(raw);
  const inRange =
    Number.isFinite(value) &&
    value >= bounds.min &&
    (bounds.max === undefined || value <= bounds.max) &&
    (!bounds.integer || Number.isInteger(value));
  if (!inRange || (typeof raw === "string" && !DECIMAL.test(raw))) {
    throw new ConfigurationError(
      `${label} must be ${describeBounds(bounds)} (got ${JSON.stringify(String(raw))}).`,
    );
  }
  return value;
}

/**
 * How a range reads in messages and in the README: `an integer >= 1`, `a number between 0 and 60`.
 *
 * @example
 * describeBounds({ min: 0, max: 3600 }); // "a number between 0 and 3600"
 */
export function describeBounds(bounds: Bounds): string {
  const kind = bounds.integer ? "an integer" : "a number";
  const range =
    bounds.max === undefined ? `>= ${bounds.min}` : `between ${bounds.min} and ${bounds.max}`;
  return `${kind} ${range}`;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/**
 * A boolean variable: `1/true/yes/on`, `0/false/no/off`, any case.
 *
 * @example
 * parseBoolean("Yes", "OXAIGEN_AUTH_DEV_MODE"); // true
 */
export function parseBoolean(raw: string, name: string): boolean {
  const value = raw.toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigurationError(
    `${name} must be one of 1/true/yes/on or 0/false/no/off (got ${JSON.stringify(value)}).`,
  );
}

/**
 * A comma- (or space-) separated list.
 *
 * @example
 * parseList("read, write"); // ["read", "write"]
 */
export function parseList(raw: string): string[] {
  return raw.split(/[\s,]+/).filter((item) => item !== "");
}
