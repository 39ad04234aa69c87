import { parseSettings, SETTINGS } from "../config/settings.js";
import type { MockAuthOptions } from "../handler/createMockAuth.js";

/** Settings where an empty value means "none" rather than "use the default". */
const EMPTY_MEANS_NONE = new Set(["forbiddenToken", "tokens", "permissions", "roleNames"]);

/**
 * Options for `startMockServer` as read from the environment, plus the CLI-only settings.
 *
 * @example
 * const config: EnvConfig = configFromEnv({
 *   OXAIGEN_AUTH_MOCK_PORT: "0",
 *   OXAIGEN_AUTH_MOCK_PERMISSIONS: "read,audit",
 * });
 * // config.port === 0, config.permissions: ["read", "audit"]
 * const server = await startMockServer(config);
 */
export interface EnvConfig extends MockAuthOptions {
  host?: string;
  port?: number;
  reload?: boolean;
  signingKeyFile?: string | null;
  envFile?: string | null;
  redisUrl?: string | null;
}

/**
 * Read every `OXAIGEN_AUTH_MOCK_*` variable; throws a `MockAuthError` ("invalid_config") naming
 * the variable when a value is invalid. Unset variables are left out (defaults apply later).
 *
 * @example
 * const options = configFromEnv(process.env);
 * const server = await startMockServer(options);
 */
export function configFromEnv(env: Record<string, string | undefined>): EnvConfig {
  return parseSettings(
    env,
    (s) => s.env,
    (s) => {
      const raw = env[s.env];
      if (raw === undefined) return undefined;
      const value = raw.trim();
      return value === "" && !EMPTY_MEANS_NONE.has(s.key) ? undefined : value;
    },
  ) as EnvConfig;
}

/** The env var names the mock reads. */
export const ENV_NAMES: readonly string[] = SETTINGS.map((s) => s.env);
