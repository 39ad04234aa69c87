import { ConfigurationError } from "../../kernel/errors.js";
import type { AuthLogger } from "../../kernel/settings.js";
import type { TokenValidator } from "../../kernel/types.js";
import {
  MultiIssuerValidator,
  type MultiIssuerValidatorOptions,
} from "../../validators/jwt/MultiIssuerValidator.js";
import { DEFAULT_CLAIM_MAPPING } from "../../validators/jwt/mapClaimsToUser.js";
import type { AuthOptions } from "../AuthOptions.js";
import { createIntrospectionValidator } from "../createIntrospectionValidator.js";
import type { Env } from "../env.js";
import { jwtOrIntrospection } from "../jwtOrIntrospection.js";
import { jwtValidatorFromSettings } from "../presets/createPresetValidator.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "../presets/jwtOptionsFromEnv.js";
import type { Preset } from "../presets/Preset.js";
import { readIssuers } from "../presets/readIssuers.js";
import {
  type IntrospectionSettings,
  readIntrospectionSettings,
} from "../readIntrospectionSettings.js";
import { isSet, readOptionalSetting, SETTINGS } from "../settingsTable.js";
import type { Provider } from "./Provider.js";

/** The introspection half of mixed mode, when `AUTH_INTROSPECTION_URL` is set. */
interface MixedSection {
  introspection?: IntrospectionSettings;
}

/**
 * A preset's settings: many issuers' (`AUTH_ISSUERS`, the issuers options), or one issuer's,
 * each with mixed mode's introspection when `AUTH_INTROSPECTION_URL` is set.
 */
export type PresetSection = (MultiIssuerValidatorOptions | EnvJwtSettings) & MixedSection;

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
        return mixed
          ? { ...many, introspection: manyIssuersIntrospection(env, preset, options) }
          : many;
      }
      const jwt = jwtOptionsFromEnv(env, preset.name, preset.defaults(env), options.resource);
      return mixed ? { ...jwt, introspection: readIntrospectionSettings(env, { jwt }) } : jwt;
    },
    create(section, { logger }) {
      const { introspection, ...jwtSection } = section;
      if (!("options" in jwtSection)) {
        const multi = new MultiIssuerValidator({ ...jwtSection, logger });
        if (introspection === undefined) return multi;
        // Answers name no issuer of their own here: each iss must be one of the trusted ones.
        return jwtOrIntrospection(
          multi,
          introspectionValidator(introspection, logger),
          (iss, ctx) => multi.trusts(iss, ctx),
        );
      }
      const jwt = jwtValidatorFromSettings(jwtSection, logger);
      if (introspection === undefined) return jwt;
      return jwtOrIntrospection(jwt, introspectionValidator(introspection, logger));
    },
  };
}

function introspectionValidator(
  { options, baseClaims }: IntrospectionSettings,
  logger: AuthLogger,
): TokenValidator {
  return createIntrospectionValidator({ ...options, logger }, baseClaims);
}

/**
 * Mixed mode's introspection next to many issuers: the one endpoint (`AUTH_INTROSPECTION_URL`,
 * no discovery: there is no one issuer to ask), the shared `AUTH_AUDIENCE` (or the resource) and
 * the preset's claim mapping for it. Each issuer's own audience is for its JWTs only.
 */
function manyIssuersIntrospection(
  env: Env,
  preset: Preset,
  options: AuthOptions,
): IntrospectionSettings {
  const audience = readOptionalSetting(env, SETTINGS.audience);
  const verify = readOptionalSetting(env, SETTINGS.verifyAudience) !== false;
  if (verify && audience === undefined && options.resource === undefined) {
    throw new ConfigurationError(
      `Mixed mode with many issuers checks introspected tokens' aud against ${SETTINGS.audience.env} (each issuer's own audience is for its JWTs): set ${SETTINGS.audience.env}, or ${SETTINGS.verifyAudience.env}=false (not recommended).`,
    );
  }
  // A preset's claim defaults depend on the audience (Keycloak's client roles), not the issuer.
  const audiences = audience ?? (options.resource === undefined ? [] : [options.resource]);
  const claims = preset.forIssuer?.("", audiences).claims;
  return readIntrospectionSettings(env, {
    resource: options.resource,
    baseClaims: { ...DEFAULT_CLAIM_MAPPING, ...claims },
  });
}
