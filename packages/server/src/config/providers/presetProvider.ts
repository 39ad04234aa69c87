import { jwtValidatorFromSettings } from "../presets/createPresetValidator.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "../presets/jwtOptionsFromEnv.js";
import type { Preset } from "../presets/Preset.js";
import type { Provider } from "./Provider.js";

/**
 * A JWT preset as a provider: its defaults under the generic `AUTH_*` variables, validated
 * locally by the one JWT validator.
 *
 * @example
 * const keycloak = presetProvider(keycloakPreset);
 */
export function presetProvider(preset: Preset): Provider<EnvJwtSettings> {
  return {
    name: preset.name,
    ...(preset.variables === undefined ? {} : { variables: preset.variables }),
    ...(preset.detect === undefined ? {} : { detect: preset.detect }),
    ...(preset.fallback === true ? { fallback: true } : {}),
    readSection: (env, options) =>
      jwtOptionsFromEnv(env, preset.name, preset.defaults(env), options.resource),
    create: (section, { logger }) => jwtValidatorFromSettings(section, logger),
  };
}
