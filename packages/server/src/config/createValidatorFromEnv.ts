import type { TokenValidator } from "../kernel/types.js";
import { createAdapterValidator } from "../validators/adapters/createAdapterValidator.js";
import { createAnonymousValidator } from "../validators/adapters/createAnonymousValidator.js";
import { createProxyValidator } from "../validators/proxy/createProxyValidator.js";
import type { AuthOptions } from "./AuthOptions.js";
import type { Env } from "./env.js";
import { jwtValidatorFromSettings } from "./presets/createPresetValidator.js";
import { readSettings, type Settings } from "./readSettings.js";
import { refuseUnsafeProduction } from "./refuseUnsafeProduction.js";
import { getAdapter } from "./registerAdapter.js";

/** The start-up warning of `AUTH_PROVIDER=none` / `AUTH_ENABLED=false`. */
export const AUTH_DISABLED_WARNING =
  "[@org/auth-server] AUTHENTICATION IS DISABLED (AUTH_PROVIDER=none or AUTH_ENABLED=false): every request is an anonymous user and every permission check passes. Never run this in production; unset it to fail closed.";

/**
 * Builds the validator the environment asks for: `AUTH_PROVIDER` (proxy, jwt, keycloak,
 * supabase, auth0, authentik, okta, azure, none, or a registered adapter's name), else
 * auto-detection (see `detectProvider`); nothing set → proxy mode. Invalid or conflicting
 * settings throw a ConfigurationError naming the variables.
 *
 * @example
 * const validator = createValidatorFromEnv(process.env, {});
 */
export function createValidatorFromEnv(env: Env, options: AuthOptions = {}): TokenValidator {
  return createValidatorFromSettings(
    readSettings(env, { ...options, validator: undefined }),
    options,
  );
}

/**
 * Builds the validator that {@link readSettings} chose, from its section: it reads no env.
 *
 * @example
 * const validator = createValidatorFromSettings(readSettings(process.env), {});
 */
export function createValidatorFromSettings(
  settings: Settings,
  options: AuthOptions = {},
): TokenValidator {
  const logger = options.logger ?? console;
  const section = settings.validator;
  if (section === undefined) {
    throw new TypeError(
      "createValidatorFromSettings: the settings were read with a validator option.",
    );
  }
  const { provider } = section.detection;
  if (section.proxy !== undefined) {
    refuseUnsafeProduction(section.proxy, settings.production, logger);
    return createProxyValidator(section.proxy, {
      client: options.proxyClient,
      logger: options.logger,
    });
  }
  if (provider === "none") {
    logger.warn(AUTH_DISABLED_WARNING);
    return createAnonymousValidator();
  }
  const adapter = getAdapter(provider);
  if (adapter !== undefined) return createAdapterValidator(provider, adapter);
  if (section.jwt === undefined) {
    throw new TypeError(`createValidatorFromSettings: no validator section for "${provider}".`);
  }
  return jwtValidatorFromSettings(section.jwt, logger);
}
