import { ConfigurationError } from "../../kernel/errors.js";
import type { AuthLogger } from "../../kernel/settings.js";
import { JwtValidator } from "../../validators/jwt/JwtValidator.js";
import type { Env } from "../env.js";
import { snapshotEnv } from "../snapshotEnv.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "./jwtOptionsFromEnv.js";
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
    throw new ConfigurationError(
      `"${name}" is not a JWT preset; use one of ${[...PRESETS.keys()].join(", ")}.`,
    );
  }
  const vars = snapshotEnv(env);
  return jwtValidatorFromSettings(jwtOptionsFromEnv(vars, name, preset.defaults(vars)), logger);
}

/**
 * The JWT validator of a resolved preset section (see `readSettings`).
 *
 * @example
 * const validator = jwtValidatorFromSettings(settings.validator.jwt, console);
 */
export function jwtValidatorFromSettings(jwt: EnvJwtSettings, logger?: AuthLogger): JwtValidator {
  const options = logger === undefined ? { ...jwt.options } : { ...jwt.options, logger };
  return new JwtValidator(options, jwt.baseClaims);
}
