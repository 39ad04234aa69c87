import { ConfigurationError } from "../../kernel/errors.js";
import { MultiIssuerValidator } from "../../validators/jwt/MultiIssuerValidator.js";
import { createIntrospectionValidator } from "../createIntrospectionValidator.js";
import { jwtOrIntrospection } from "../jwtOrIntrospection.js";
import { jwtValidatorFromSettings } from "../presets/createPresetValidator.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "../presets/jwtOptionsFromEnv.js";
import type { Preset } from "../presets/Preset.js";
import { readIssuers } from "../presets/readIssuers.js";
import {
  type IntrospectionSettings,
  readIntrospectionSettings,
} from "../readIntrospectionSettings.js";
import { isSet, SETTINGS } from "../settingsTable.js";
import type { Provider } from "./Provider.js";

/**
 * A preset's settings: many issuers' (`AUTH_ISSUERS`, the issuers options), or one issuer's,
 * with mixed mode's introspection when `AUTH_INTROSPECTION_URL` is set.
 */
export type PresetSection =
  | NonNullable<ReturnType<typeof readIssuers>>
  | (EnvJwtSettings & { introspection?: IntrospectionSettings });

/**
 * A JWT preset as a provider: its defaults under the generic `AUTH_*` variables, validated
 * locally by the one JWT validator (by one per issuer when many are trusted); with
 * `AUTH_INTROSPECTION_URL` set, mixed mode (JWTs locally, any other token introspected).
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
    readSection(env, options) {
      const mixed = isSet(env, SETTINGS.introspectionUrl);
      const many = readIssuers(env, preset, options);
      if (many !== undefined) {
        if (mixed) {
          throw new ConfigurationError(
            `${SETTINGS.introspectionUrl.env} (mixed mode) takes one issuer: set ${SETTINGS.issuer.env} instead of ${SETTINGS.issuers.env}, or unset ${SETTINGS.introspectionUrl.env}.`,
          );
        }
        return many;
      }
      const jwt = jwtOptionsFromEnv(env, preset.name, preset.defaults(env), options.resource);
      return mixed ? { ...jwt, introspection: readIntrospectionSettings(env, jwt) } : jwt;
    },
    create(section, { logger }) {
      if (!("options" in section)) return new MultiIssuerValidator({ ...section, logger });
      const jwt = jwtValidatorFromSettings(section, logger);
      if (section.introspection === undefined) return jwt;
      const { options, baseClaims } = section.introspection;
      return jwtOrIntrospection(
        jwt,
        createIntrospectionValidator({ ...options, logger }, baseClaims),
      );
    },
  };
}
