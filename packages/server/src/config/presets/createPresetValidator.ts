import type { AuthLogger } from "../../kernel/settings.js";
import { JwtValidator } from "../../validators/jwt/JwtValidator.js";
import { configurationError } from "../../validators/jwt/jwtErrors.js";
import type { Env } from "../env.js";
import { jwtOptionsFromEnv } from "./jwtOptionsFromEnv.js";
import { PRESETS } from "./presets.js";

/**
 * Builds the JWT validator for a preset name (`jwt`, `keycloak`, `supabase`, `auth0`,
 * `authentik`, `okta`, `azure`) from the environment. Throws a configuration error naming the
 * variables when settings are missing or invalid.
 *
 * @example
 * const validator = createPresetValidator("keycloak", process.env);
 */
export function createPresetValidator(name: string, env: Env, logger?: AuthLogger): JwtValidator {
  const preset = PRESETS.get(name);
  if (preset === undefined) {
    throw configurationError(
      `"${name}" is not a JWT preset; use one of ${[...PRESETS.keys()].join(", ")}.`,
    );
  }
  const { options, baseClaims } = jwtOptionsFromEnv(env, name, preset.defaults(env));
  if (logger !== undefined) options.logger = logger;
  return new JwtValidator(options, baseClaims);
}
