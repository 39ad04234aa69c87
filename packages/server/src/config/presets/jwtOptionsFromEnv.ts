import { ConfigurationError } from "../../kernel/errors.js";
import type { JwtValidatorOptions } from "../../validators/jwt/JwtValidator.js";
import {
  type ClaimMapping,
  type ClaimMappingOptions,
  DEFAULT_CLAIM_MAPPING,
} from "../../validators/jwt/mapClaimsToUser.js";
import type { Env } from "../env.js";
import { readOptionalSetting, SETTINGS, type SettingRow } from "../settingsTable.js";
import type { PresetDefaults } from "./Preset.js";

/** The validator options and the preset's claim mapping, as read from the environment. */
export interface EnvJwtSettings {
  options: JwtValidatorOptions;
  baseClaims: ClaimMapping;
}

const CLAIM_ROWS: ReadonlyArray<[keyof ClaimMappingOptions, SettingRow<string>]> = [
  ["userId", SETTINGS.userIdClaim],
  ["email", SETTINGS.emailClaim],
  ["name", SETTINGS.nameClaim],
  ["userName", SETTINGS.userNameClaim],
  ["roles", SETTINGS.rolesClaim],
  ["permissions", SETTINGS.permissionsClaim],
  ["scopes", SETTINGS.scopesClaim],
];

/**
 * Reads the `AUTH_*` variables on top of a preset's defaults (the variables win). Invalid values
 * stop start-up with a message naming the variable.
 */
export function jwtOptionsFromEnv(
  env: Env,
  provider: string,
  preset: PresetDefaults,
  resource?: string,
): EnvJwtSettings {
  const secret = readOptionalSetting(env, SETTINGS.jwtSecret) ?? preset.secret;
  const options: JwtValidatorOptions = {
    provider,
    issuer: readIssuer(env, preset),
    audience: readAudience(env, preset, resource),
    acceptAzpAsAudience: preset.acceptAzpAsAudience ?? false,
    ...readSharedJwtOptions(env),
  };
  const jwksUrl = readOptionalSetting(env, SETTINGS.jwksUrl) ?? preset.jwksUrl;
  if (jwksUrl !== undefined) options.jwksUrl = jwksUrl;
  if (options.algorithms === undefined && preset.algorithms !== undefined) {
    options.algorithms = preset.algorithms;
  }
  if (secret !== undefined) options.secret = secret;
  if (resource !== undefined) options.resource = resource;
  const baseClaims: ClaimMapping = { ...DEFAULT_CLAIM_MAPPING, ...preset.claims };
  return { options, baseClaims };
}

/** The JWT settings that are no issuer's own: every issuer of `AUTH_ISSUERS` shares them. */
export type SharedJwtOptions = Pick<
  JwtValidatorOptions,
  | "claims"
  | "algorithms"
  | "clockToleranceSeconds"
  | "maxTokenLifetimeSeconds"
  | "requiredScopes"
  | "maxTokenBytes"
  | "jwks"
  | "requireAccessTokenType"
>;

/**
 * Reads the `AUTH_*` JWT variables that are not about one issuer (claim mapping, algorithms,
 * clock skew, token limits, JWKS timing).
 *
 * @example
 * const shared = readSharedJwtOptions(snapshotEnv(process.env));
 */
export function readSharedJwtOptions(env: Env): SharedJwtOptions {
  const read = <T>(row: SettingRow<T, never>) => readOptionalSetting(env, row);
  const options: SharedJwtOptions = { claims: readClaims(env) };
  const algorithms = read(SETTINGS.algorithms);
  if (algorithms !== undefined) options.algorithms = algorithms;
  const skew = read(SETTINGS.clockToleranceSeconds);
  if (skew !== undefined) options.clockToleranceSeconds = skew;
  const lifetime = read(SETTINGS.maxTokenLifetimeSeconds);
  if (lifetime !== undefined) options.maxTokenLifetimeSeconds = lifetime;
  const scopes = read(SETTINGS.requiredScopes);
  if (scopes !== undefined) options.requiredScopes = scopes;
  const maxBytes = read(SETTINGS.maxTokenBytes);
  if (maxBytes !== undefined) options.maxTokenBytes = Math.floor(maxBytes);
  options.jwks = readJwksTiming(env);
  if (read(SETTINGS.requireAtJwt) === true) options.requireAccessTokenType = true;
  return options;
}

function readIssuer(env: Env, preset: PresetDefaults): string | false {
  const explicit = readOptionalSetting(env, SETTINGS.issuer);
  const oidc = readOptionalSetting(env, SETTINGS.oidcIssuer);
  if (explicit !== undefined && oidc !== undefined && explicit !== oidc) {
    throw new ConfigurationError(
      "AUTH_ISSUER and OIDC_ISSUER are both set and differ: keep one (AUTH_ISSUER wins in meaning, so remove the other).",
    );
  }
  if (readOptionalSetting(env, SETTINGS.verifyIssuer) === false) return false;
  const issuer = explicit ?? oidc ?? preset.issuer;
  if (issuer === undefined) {
    throw new ConfigurationError(
      "Set AUTH_ISSUER (or OIDC_ISSUER) to your provider's issuer URL; AUTH_VERIFY_ISSUER=false skips the iss check (not recommended).",
    );
  }
  return issuer;
}

function readAudience(env: Env, preset: PresetDefaults, resource?: string): string[] | false {
  if (readOptionalSetting(env, SETTINGS.verifyAudience) === false) return false;
  // A protected resource (AUTH_RESOURCE) is an audience of its own when none is named.
  const audience =
    readOptionalSetting(env, SETTINGS.audience) ??
    preset.audience ??
    (resource === undefined ? undefined : [resource]);
  if (audience === undefined || audience.length === 0) {
    throw new ConfigurationError(
      "Set AUTH_AUDIENCE to the audience your access tokens are issued for (API identifier or client id; KEYCLOAK_CLIENT_ID for Keycloak, OIDC_CLIENT_ID for Authentik). AUTH_VERIFY_AUDIENCE=false skips the aud check (not recommended).",
    );
  }
  return audience;
}

/** The claim-mapping variables (`AUTH_*_CLAIM`, scopes format, permission sources). */
export function readClaims(env: Env): ClaimMappingOptions {
  const claims: ClaimMappingOptions = {};
  for (const [field, row] of CLAIM_ROWS) {
    const value = readOptionalSetting(env, row);
    if (value !== undefined) (claims as Record<string, string>)[field] = value;
  }
  const format = readOptionalSetting(env, SETTINGS.scopesFormat);
  if (format !== undefined) claims.scopesFormat = format;
  const sources = readOptionalSetting(env, SETTINGS.permissionSources);
  if (sources !== undefined) claims.permissionSources = sources;
  return claims;
}

function readJwksTiming(env: Env): NonNullable<JwtValidatorOptions["jwks"]> {
  const ms = (row: SettingRow<number, number>) => {
    const value = readOptionalSetting(env, row);
    return value === undefined ? undefined : Math.round(value * 1000);
  };
  const timing: NonNullable<JwtValidatorOptions["jwks"]> = {};
  const cooldownMs = ms(SETTINGS.jwksCooldownSeconds);
  const maxAgeMs = ms(SETTINGS.jwksCacheSeconds);
  const maxStaleMs = ms(SETTINGS.jwksMaxStaleSeconds);
  const timeoutMs = ms(SETTINGS.httpTimeoutSeconds);
  if (cooldownMs !== undefined) timing.cooldownMs = cooldownMs;
  if (maxAgeMs !== undefined) timing.maxAgeMs = maxAgeMs;
  if (maxStaleMs !== undefined) timing.maxStaleMs = maxStaleMs;
  if (timeoutMs !== undefined) timing.timeoutMs = timeoutMs;
  return timing;
}
