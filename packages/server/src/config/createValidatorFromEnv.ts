import type { TokenValidator } from "../kernel/types.js";
import { createAdapterValidator } from "../validators/adapters/createAdapterValidator.js";
import type { AuthOptions } from "./AuthOptions.js";
import type { Env } from "./env.js";
import { builtInProvider } from "./providers/providers.js";
import { readSettings, type Settings } from "./readSettings.js";
import { getAdapter } from "./registerAdapter.js";

export { AUTH_DISABLED_WARNING } from "./providers/noneProvider.js";

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
  const chosen = settings.validator;
  if (chosen === undefined) {
    throw new TypeError(
      "createValidatorFromSettings: the settings were read with a validator option.",
    );
  }
  const { provider } = chosen.detection;
  const context = { options, logger: options.logger ?? console, production: settings.production };
  const builtIn = builtInProvider(provider);
  if (builtIn !== undefined) return builtIn.create(chosen.section, context);
  const adapter = getAdapter(provider);
  if (adapter !== undefined) return createAdapterValidator(provider, adapter);
  throw new TypeError(`createValidatorFromSettings: no provider named "${provider}".`);
}
