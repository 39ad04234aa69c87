import { MultiIssuerValidator } from "../../validators/jwt/MultiIssuerValidator.js";
import { jwtValidatorFromSettings } from "../presets/createPresetValidator.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "../presets/jwtOptionsFromEnv.js";
import type { Preset } from "../presets/Preset.js";
import { readIssuers } from "../presets/readIssuers.js";
import type { Provider } from "./Provider.js";

/** A preset's settings: one issuer's, or many issuers' (`AUTH_ISSUERS`, the issuers options). */
export type PresetSection = EnvJwtSettings | NonNullable<ReturnType<typeof readIssuers>>;

/**
 * A JWT preset as a provider: its defaults under the generic `AUTH_*` variables, validated
 * locally by the one JWT validator (by one per issuer when many are trusted).
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
    readSection: (env, options) =>
      readIssuers(env, preset, options) ??
      jwtOptionsFromEnv(env, preset.name, preset.defaults(env)),
    create: (section, { logger }) =>
      "options" in section
        ? jwtValidatorFromSettings(section, logger)
        : new MultiIssuerValidator({ ...section, logger }),
  };
}
