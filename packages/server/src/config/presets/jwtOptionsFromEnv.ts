import { ConfigurationError } from "../../kernel/errors.js";
import type { JwtValidatorOptions } from "../../validators/jwt/JwtValidator.js";
import {
  type ClaimMapping,
  type ClaimMappingOptions,
  DEFAULT_CLAIM_MAPPING,
  type PermissionSource,
  type ScopesFormat,
} from "../../validators/jwt/mapClaimsToUser.js";
import { type Env, readEnv, readList, readOptionalBoolean, readOptionalNumber } from "../env.js";
import type { PresetDefaults } from "./Preset.js";

/** The validator options and the preset's claim mapping, as read from the environment. */
export interface EnvJwtSettings {
  options: JwtValidatorOptions;
  baseClaims: ClaimMapping;
}

const CLAIM_VARS: ReadonlyArray<[keyof ClaimMappingOptions, string]> = [
  ["userId", "AUTH_USER_ID_CLAIM"],
  ["email", "AUTH_EMAIL_CLAIM"],
  ["name", "AUTH_NAME_CLAIM"],
  ["userName", "AUTH_USERNAME_CLAIM"],
  ["roles", "AUTH_ROLES_CLAIM"],
  ["permissions", "AUTH_PERMISSIONS_CLAIM"],
  ["scopes", "AUTH_SCOPES_CLAIM"],
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
  const secret = readEnv(env, "AUTH_JWT_SECRET") ?? preset.secret;
  const options: JwtValidatorOptions = {
    provider,
    issuer: readIssuer(env, preset),
    audience: readAudience(env, preset, resource),
    acceptAzpAsAudience: preset.acceptAzpAsAudience ?? false,
    claims: readClaims(env),
  };
  const jwksUrl = readEnv(env, "AUTH_JWKS_URL") ?? preset.jwksUrl;
  if (jwksUrl !== undefined) options.jwksUrl = jwksUrl;
  const algorithms = readList(env, "AUTH_ALGORITHMS") ?? preset.algorithms;
  if (algorithms !== undefined) options.algorithms = algorithms;
  if (secret !== undefined) options.secret = secret;
  if (resource !== undefined) options.resource = resource;
  const skew = readOptionalNumber(env, "AUTH_CLOCK_SKEW", { min: 0, max: 3600 });
  if (skew !== undefined) options.clockToleranceSeconds = skew;
  const lifetime = readOptionalNumber(env, "AUTH_MAX_TOKEN_LIFETIME_SECONDS", {
    min: 1,
    integer: true,
  });
  if (lifetime !== undefined) options.maxTokenLifetimeSeconds = lifetime;
  const scopes = readList(env, "AUTH_REQUIRED_SCOPE");
  if (scopes !== undefined) options.requiredScopes = scopes;
  const maxBytes = readOptionalNumber(env, "AUTH_MAX_TOKEN_BYTES", { min: 1024, max: 16_384 });
  if (maxBytes !== undefined) options.maxTokenBytes = Math.floor(maxBytes);
  options.jwks = readJwksTiming(env);
  const baseClaims: ClaimMapping = { ...DEFAULT_CLAIM_MAPPING, ...preset.claims };
  return { options, baseClaims };
}

function readIssuer(env: Env, preset: PresetDefaults): string | false {
  const explicit = readEnv(env, "AUTH_ISSUER");
  const oidc = readEnv(env, "OIDC_ISSUER");
  if (explicit !== undefined && oidc !== undefined && explicit !== oidc) {
    throw new ConfigurationError(
      "AUTH_ISSUER and OIDC_ISSUER are both set and differ: keep one (AUTH_ISSUER wins in meaning, so remove the other).",
    );
  }
  if (readOptionalBoolean(env, "AUTH_VERIFY_ISSUER") === false) return false;
  const issuer = explicit ?? oidc ?? preset.issuer;
  if (issuer === undefined) {
    throw new ConfigurationError(
      "Set AUTH_ISSUER (or OIDC_ISSUER) to your provider's issuer URL; AUTH_VERIFY_ISSUER=false skips the iss check (not recommended).",
    );
  }
  return issuer;
}

function readAudience(env: Env, preset: PresetDefaults, resource?: string): string[] | false {
  if (readOptionalBoolean(env, "AUTH_VERIFY_AUDIENCE") === false) return false;
  // A protected resource (AUTH_RESOURCE) is an audience of its own when none is named.
  const audience =
    readList(env, "AUTH_AUDIENCE") ??
    preset.audience ??
    (resource === undefined ? undefined : [resource]);
  if (audience === undefined || audience.length === 0) {
    throw new ConfigurationError(
      "Set AUTH_AUDIENCE to the audience your access tokens are issued for (API identifier or client id; KEYCLOAK_CLIENT_ID for Keycloak, OIDC_CLIENT_ID for Authentik). AUTH_VERIFY_AUDIENCE=false skips the aud check (not recommended).",
    );
  }
  return audience;
}

function readClaims(env: Env): ClaimMappingOptions {
  const claims: ClaimMappingOptions = {};
  for (const [field, name] of CLAIM_VARS) {
    const value = readEnv(env, name);
    if (value !== undefined) (claims as Record<string, string>)[field] = value;
  }
  const format = readEnv(env, "AUTH_SCOPES_FORMAT")?.toLowerCase();
  if (format !== undefined) {
    if (!["auto", "space", "array"].includes(format)) {
      throw new ConfigurationError(
        `AUTH_SCOPES_FORMAT must be space, array or auto; got "${format}".`,
      );
    }
    claims.scopesFormat = format as ScopesFormat;
  }
  const sources = readList(env, "AUTH_PERMISSION_SOURCES");
  if (sources !== undefined) {
    for (const source of sources) {
      if (!["permissions", "roles", "scopes"].includes(source)) {
        throw new ConfigurationError(
          `AUTH_PERMISSION_SOURCES lists "${source}"; use permissions, roles and/or scopes.`,
        );
      }
    }
    claims.permissionSources = sources as PermissionSource[];
  }
  return claims;
}

function readJwksTiming(env: Env): NonNullable<JwtValidatorOptions["jwks"]> {
  const seconds = (name: string, min: number, max: number) => {
    const value = readOptionalNumber(env, name, { min: min, max: max });
    return value === undefined ? undefined : Math.round(value * 1000);
  };
  const timing: NonNullable<JwtValidatorOptions["jwks"]> = {};
  const cooldownMs = seconds("AUTH_JWKS_COOLDOWN_SECONDS", 1, 3600);
  const maxAgeMs = seconds("AUTH_JWKS_CACHE_SECONDS", 1, 86_400);
  const maxStaleMs = seconds("AUTH_JWKS_MAX_STALE_SECONDS", 0, 604_800);
  const timeoutMs = seconds("AUTH_HTTP_TIMEOUT_SECONDS", 0.1, 60);
  if (cooldownMs !== undefined) timing.cooldownMs = cooldownMs;
  if (maxAgeMs !== undefined) timing.maxAgeMs = maxAgeMs;
  if (maxStaleMs !== undefined) timing.maxStaleMs = maxStaleMs;
  if (timeoutMs !== undefined) timing.timeoutMs = timeoutMs;
  return timing;
}
