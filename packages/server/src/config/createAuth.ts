import { Auth } from "../kernel/Auth.js";
import { nodePlatform } from "../platform/nodePlatform.js";
import type { AuthOptions } from "./AuthOptions.js";
import { connectRedis, resolveRedisOptions } from "./connectRedis.js";
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
  const env = options.env ?? process.env;
  const settings = resolveSettings(env, options);
  const redis = resolveRedisOptions(env, options.redis);
  const validator = options.validator ?? createValidatorFromEnv(env, options);
  const limits = resolveLimits(env, options);
  const auth = new Auth(validator, settings, options.logger ?? console, {
    platform: nodePlatform,
    limits,
  });
  if (redis !== undefined) connectRedis(auth, redis, { ...settings, ...limits });
  return auth;
}
