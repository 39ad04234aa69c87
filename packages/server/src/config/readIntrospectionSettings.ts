import { ConfigurationError } from "../kernel/errors.js";
import type { IntrospectionClientCredentials } from "../validators/introspection/createClientAuthentication.js";
import { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from "../validators/jwt/mapClaimsToUser.js";
import type { IntrospectionOptions } from "./createIntrospectionValidator.js";
import type { Env } from "./env.js";
import type { EnvJwtSettings } from "./presets/jwtOptionsFromEnv.js";
import { readClaims } from "./presets/jwtOptionsFromEnv.js";
import { readOptionalSetting, SETTINGS, type SettingRow } from "./settingsTable.js";

/** The introspection validator's options and claim mapping, as read from the environment. */
export interface IntrospectionSettings {
  options: IntrospectionOptions;
  baseClaims: ClaimMapping;
}

/**
 * What the introspection settings are read with: the resource (`AUTH_RESOURCE`), and in mixed
 * mode the JWT side's settings (one issuer: its issuer, audience and rules) or, with many
 * issuers, the preset's claim mapping for the shared audience.
 *
 * @example
 * const base: IntrospectionBase = { resource: "https://mcp.example.com/mcp" };
 */
export interface IntrospectionBase {
  resource?: string | undefined;
  jwt?: EnvJwtSettings;
  baseClaims?: ClaimMapping;
}

/**
 * Reads `AUTH_PROVIDER=introspection`'s rows: the endpoint (`AUTH_INTROSPECTION_URL`, else
 * discovery from `AUTH_ISSUER`), this API's client (`AUTH_CLIENT_ID`, `AUTH_CLIENT_SECRET` or
 * `AUTH_CLIENT_PRIVATE_KEY`, `AUTH_INTROSPECTION_AUTH_METHOD`), and the token rules JWT mode
 * reads too (audience, issuer, clock skew, lifetime, required scopes, claim mapping). With `jwt`
 * (mixed mode) the issuer, audience and rules are the JWT preset's. The resource, when set, is
 * checked in every answer's `aud` and is the audience when none is named.
 *
 * @example
 * const { options } = readIntrospectionSettings(snapshotEnv(process.env));
 */
export function readIntrospectionSettings(
  env: Env,
  base: IntrospectionBase = {},
): IntrospectionSettings {
  const client = readClient(env);
  const url = readOptionalSetting(env, SETTINGS.introspectionUrl);
  const { jwt, resource } = base;
  const rules = jwt === undefined ? readRules(env, resource) : fromJwt(jwt);
  const options: IntrospectionOptions = { ...rules, client, provider: "introspection" };
  if (url !== undefined) options.url = url;
  const baseClaims = base.baseClaims ?? jwt?.baseClaims ?? { ...DEFAULT_CLAIM_MAPPING };
  return { options, baseClaims };
}

function readClient(env: Env): IntrospectionClientCredentials {
  const clientId = readOptionalSetting(env, SETTINGS.clientId);
  if (clientId === undefined) {
    throw new ConfigurationError(
      `Token introspection needs this API's client at the authorization server: set ${SETTINGS.clientId.env} and ${SETTINGS.clientSecret.env} (or ${SETTINGS.clientPrivateKey.env}).`,
    );
  }
  const client: IntrospectionClientCredentials = { clientId };
  const secret = readOptionalSetting(env, SETTINGS.clientSecret);
  const key = readOptionalSetting(env, SETTINGS.clientPrivateKey);
  const method = readOptionalSetting(env, SETTINGS.introspectionAuthMethod);
  if (secret !== undefined) client.clientSecret = secret;
  if (key !== undefined) client.privateKey = key;
  if (method !== undefined) client.method = method;
  return client;
}

type Rules = Omit<IntrospectionOptions, "client">;

function readRules(env: Env, resource: string | undefined): Rules {
  const read = <T>(row: SettingRow<T, never>) => readOptionalSetting(env, row);
  // A protected resource (AUTH_RESOURCE) is the audience when none is named, as in JWT mode.
  const audience = read(SETTINGS.audience) ?? (resource === undefined ? [] : [resource]);
  const rules: Rules = {
    audience: read(SETTINGS.verifyAudience) === false ? false : audience,
    claims: readClaims(env),
  };
  if (resource !== undefined) rules.resource = resource;
  const issuer = readIssuer(env);
  if (issuer !== undefined) rules.issuer = issuer;
  const skew = read(SETTINGS.clockToleranceSeconds);
  const lifetime = read(SETTINGS.maxTokenLifetimeSeconds);
  const maxBytes = read(SETTINGS.maxTokenBytes);
  const timeout = read(SETTINGS.httpTimeoutSeconds);
  const scopes = read(SETTINGS.requiredScopes);
  if (skew !== undefined) rules.clockToleranceSeconds = skew;
  if (lifetime !== undefined) rules.maxTokenLifetimeSeconds = lifetime;
  if (maxBytes !== undefined) rules.maxTokenBytes = Math.floor(maxBytes);
  if (timeout !== undefined) rules.timeoutSeconds = timeout;
  if (scopes !== undefined) rules.requiredScopes = scopes;
  return rules;
}

/** Optional here: discovery and the `iss` check need it, the endpoint alone does not. */
function readIssuer(env: Env): string | false | undefined {
  if (readOptionalSetting(env, SETTINGS.verifyIssuer) === false) return false;
  const explicit = readOptionalSetting(env, SETTINGS.issuer);
  const oidc = readOptionalSetting(env, SETTINGS.oidcIssuer);
  if (explicit !== undefined && oidc !== undefined && explicit !== oidc) {
    throw new ConfigurationError(
      `${SETTINGS.issuer.env} and ${SETTINGS.oidcIssuer.env} are both set and differ: keep one (${SETTINGS.issuer.env} wins in meaning, so remove the other).`,
    );
  }
  return explicit ?? oidc;
}

function fromJwt({ options }: EnvJwtSettings): Rules {
  const rules: Rules = { issuer: options.issuer, audience: options.audience };
  if (options.resource !== undefined) rules.resource = options.resource;
  if (options.claims !== undefined) rules.claims = options.claims;
  if (options.clockToleranceSeconds !== undefined) {
    rules.clockToleranceSeconds = options.clockToleranceSeconds;
  }
  if (options.maxTokenLifetimeSeconds !== undefined) {
    rules.maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds;
  }
  if (options.maxTokenBytes !== undefined) rules.maxTokenBytes = options.maxTokenBytes;
  if (options.requiredScopes !== undefined) rules.requiredScopes = options.requiredScopes;
  const timeoutMs = options.jwks?.timeoutMs;
  if (timeoutMs !== undefined) rules.timeoutSeconds = timeoutMs / 1000;
  return rules;
}
