import { Auth } from "../kernel/Auth.js";
import { nodePlatform } from "../platform/nodePlatform.js";
import type { AuthOptions } from "./AuthOptions.js";
import { createValidatorFromEnv } from "./createValidatorFromEnv.js";
import { resolveSettings } from "./resolveSettings.js";

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
  const validator = options.validator ?? createValidatorFromEnv(env, options);
  return new Auth(validator, settings, options.logger ?? console, nodePlatform);
}
