import { configurationError } from "../validators/jwt/jwtErrors.js";
import type { Env } from "./env.js";

export type { Env };

/** The trimmed value, or undefined when unset or blank. */
export function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** `true/false/1/0/yes/no/on/off`, case-insensitive; anything else stops start-up. */
export function envBoolean(env: Env, name: string): boolean | undefined {
  const value = envString(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw configurationError(`${name} must be true or false; got "${value}".`);
}

/** A number within [min, max]; anything else stops start-up with the variable's name. */
export function envNumber(env: Env, name: string, min: number, max: number): number | undefined {
  const text = envString(env, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw configurationError(`${name} must be a number between ${min} and ${max}; got "${text}".`);
  }
  return value;
}

/** A comma- (or space-) separated list; undefined when unset. */
export function envList(env: Env, name: string): string[] | undefined {
  const text = envString(env, name);
  if (text === undefined) return undefined;
  return text.split(/[\s,]+/).filter((item) => item !== "");
}
