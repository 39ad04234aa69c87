import { platform } from "#platform";
import { Auth } from "../kernel/Auth.js";
import { ConfigurationError } from "../kernel/errors.js";
import type { AuthOptions } from "./AuthOptions.js";
import { connectRedis, resolveRedisOptions } from "./connectRedis.js";
import { createBackchannelLogout } from "./createBackchannelLogout.js";
import { createValidatorFromEnv } from "./createValidatorFromEnv.js";
import { resolveLimits, resolveSettings } from "./resolveSettings.js";

/**
 * Creates an {@link Auth} instance; reads the env once and fails fast (ConfigurationError naming
 * the variable) on invalid settings.
 *
 * @example
 * const auth = createAuth({ allowedHosts: "app.example.com", cacheTtlSeconds: 10 });
 * app.use(authMiddleware({ auth }));
 */
export function createAuth(options: AuthOptions = {}): Auth {
  const env = options.env ?? processEnv();
  const settings = resolveSettings(env, options);
  const redis = resolveRedisOptions(env, options.redis);
  const validator = options.validator ?? createValidatorFromEnv(env, options);
  const limits = resolveLimits(env, options);
  const auth = new Auth(validator, settings, options.logger ?? console, {
    platform,
    limits,
    backchannelLogout: createBackchannelLogout(validator, env, options.backchannelLogout),
  });
  if (redis !== undefined) connectRedis(auth, redis, { ...settings, ...limits });
  return auth;
}
/** `process.env` where there is one; elsewhere (Workers) the settings must be passed in. */
export function processEnv(): Record<string, string | undefined> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (env) return env;
  throw new ConfigurationError(
    'This runtime has no process.env: pass the settings explicitly, e.g. on Cloudflare Workers createAuth({ env }) with `import { env } from "cloudflare:workers"` (or the fetch handler\'s env).',
  );
}
