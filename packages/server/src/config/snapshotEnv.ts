import type { Env } from "./env.js";
import { ENV_VARS } from "./settingsTable.js";

const KNOWN: ReadonlySet<string> = new Set(ENV_VARS);

/**
 * Reads every variable of the settings table exactly once into a frozen copy; the settings
 * readers work on that copy, so `env` (possibly a live `process.env` or a Workers binding object)
 * is never read again. Looking up a name the table lacks throws: a new setting that forgot its
 * row fails its first test instead of reading as unset.
 *
 * @example
 * const vars = snapshotEnv(process.env);
 * readOptionalSetting(vars, SETTINGS.cacheTtlSeconds);
 */
export function snapshotEnv(env: Env): Env {
  const copy: Record<string, string | undefined> = Object.create(null);
  for (const name of ENV_VARS) copy[name] = env[name];
  return new Proxy(Object.freeze(copy), {
    get(target, name) {
      if (typeof name === "string" && !KNOWN.has(name)) {
        throw new Error(
          `@org/auth-server reads ${name}, which has no row in SETTINGS (config/settingsTable.ts).`,
        );
      }
      return Reflect.get(target, name);
    },
  });
}
