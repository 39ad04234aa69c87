import { ConfigurationError } from "../kernel/errors.js";

/**
 * Environment variables as read at start-up (`process.env` by default).
 *
 * @example
 * const env: Env = { AUTH_PROVIDER: "keycloak", KEYCLOAK_URL: "https://sso.example.com" };
 * const auth = createAuth({ env });
 */
export type Env = Readonly<Record<string, string | undefined>>;

// The one reader of settings: every number, boolean and list is parsed here, the same way for
// every variable, and every message names the variable (and the option, when set in code).

/** Reads a variable, treating an empty or blank value as unset. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** Where a value came from, for messages: `cacheTtlSeconds (OXAIGEN_AUTH_CACHE_TTL_SECONDS)`. */
function label(name: string, option: string | undefined): string {
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
    const source = typeof raw === "number" ? label(name, bounds.option) : name;
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
