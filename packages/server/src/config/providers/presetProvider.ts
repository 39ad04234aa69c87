import { createIntrospectionValidator } from "../createIntrospectionValidator.js";
import { jwtOrIntrospection } from "../jwtOrIntrospection.js";
import { jwtValidatorFromSettings } from "../presets/createPresetValidator.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "../presets/jwtOptionsFromEnv.js";
import type { Preset } from "../presets/Preset.js";
import {
  type IntrospectionSettings,
  readIntrospectionSettings,
} from "../readIntrospectionSettings.js";
import { isSet, SETTINGS } from "../settingsTable.js";
import type { Provider } from "./Provider.js";

/** A JWT preset's section; with `AUTH_INTROSPECTION_URL`, mixed mode's introspection too. */
type PresetSection = EnvJwtSettings & { introspection?: IntrospectionSettings };

/**
 * A JWT preset as a provider: its defaults under the generic `AUTH_*` variables, validated
 * locally by the one JWT validator; with `AUTH_INTROSPECTION_URL` set, mixed mode (JWTs locally,
 * any other token introspected).
 *
 * @example
 * const keycloak = presetProvider(keycloakPreset);
 */
export function presetProvider(preset: Preset): Provider<PresetSection> {
  return {
    name: preset.name,
    ...(preset.variables === undefined ? {} : { variables: preset.variables }),
    ...(preset.detect === undefined ? {} : { detect: preset.detect }),
    ...(preset.fallback === true ? { fallback: true } : {}),
    readSection(env) {
      const jwt = jwtOptionsFromEnv(env, preset.name, preset.defaults(env));
      if (!isSet(env, SETTINGS.introspectionUrl)) return jwt;
      return { ...jwt, introspection: readIntrospectionSettings(env, jwt) };
    },
    create(section, { logger }) {
      const jwt = jwtValidatorFromSettings(section, logger);
      const mixed = section.introspection;
      if (mixed === undefined) return jwt;
      const { options, baseClaims } = mixed;
      return jwtOrIntrospection(
        jwt,
        createIntrospectionValidator({ ...options, logger }, baseClaims),
      );
    },
  };
}
