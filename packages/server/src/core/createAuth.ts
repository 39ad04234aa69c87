import type { ProxyAuthClient } from "../proxy/ProxyAuthClient.js";
import type { ProxyOptions } from "../proxy/resolveProxySettings.js";
import { Auth } from "./Auth.js";
import { createValidatorFromEnv } from "./createValidatorFromEnv.js";
import type { Env } from "./env.js";
import { type AuthLogger, resolveSettings, type SettingsOptions } from "./resolveSettings.js";
import type { TokenValidator } from "./types.js";

/**
 * Options of {@link createAuth}: every env var has a typed option that wins over it.
 *
 * @example
 * const options: AuthOptions = { allowedHosts: ["app.example.com"], logger: console };
 * const auth = createAuth(options);
 */
export interface AuthOptions extends SettingsOptions, ProxyOptions {
  /** A custom validator; default: the one the env asks for (proxy mode). */
  validator?: TokenValidator;
  /** Where settings are read from, once. Default `process.env`. */
  env?: Env;
  /** Receives start-up warnings and the detail of 5xx answers. Default `console`. */
  logger?: AuthLogger;
  /** A preconfigured proxy client (e.g. with its own undici dispatcher). */
  proxyClient?: ProxyAuthClient;
}

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
  return new Auth(validator, settings, options.logger ?? console);
}
