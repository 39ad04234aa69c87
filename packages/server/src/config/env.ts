import { ConfigurationError } from "../kernel/errors.js";

/**
 * Environment variables as read at start-up (`process.env` by default).
 *
 * @example
 * const env: Env = { AUTH_PROVIDER: "keycloak", KEYCLOAK_URL: "https://sso.example.com" };
 * const auth = createAuth({ env });
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a variable, treating an empty or blank value as unset. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * A number from an option or an env var; fails at start-up with a message naming the variable when
 * it is not a finite number within bounds.
 */
export function readNumber(
  env: Env,
  name: string,
  option: number | undefined,
  fallback: number,
  bounds: { min: number; integer?: boolean },
): number {
  const raw = option ?? readEnv(env, name);
  if (raw === undefined) return fallback;
  const value = typeof raw === "number" ? raw : Number(raw);
  const ok =
    Number.isFinite(value) && value >= bounds.min && (!bounds.integer || Number.isInteger(value));
  if (!ok || (typeof raw === "string" && !/^[+]?\d+(\.\d+)?$/.test(raw))) {
    const kind = bounds.integer ? "an integer" : "a number";
    throw new ConfigurationError(
      `${name} must be ${kind} >= ${bounds.min} (got ${JSON.stringify(String(raw))}).`,
    );
  }
  return value;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** A boolean from an option or an env var (`1/true/yes/on`, `0/false/no/off`). */
export function readBoolean(
  env: Env,
  name: string,
  option: boolean | undefined,
  fallback: boolean,
): boolean {
  if (option !== undefined) return option;
  const raw = readEnv(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigurationError(
    `${name} must be one of 1/true/yes/on or 0/false/no/off (got ${JSON.stringify(raw)}).`,
  );
}
