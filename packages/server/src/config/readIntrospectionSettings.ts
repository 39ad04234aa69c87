import { ConfigurationError } from "../kernel/errors.js";
import {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  type IntrospectionClientCredentials,
} from "../validators/introspection/createClientAuthentication.js";
import { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from "../validators/jwt/mapClaimsToUser.js";
import type { IntrospectionOptions } from "./createIntrospectionValidator.js";
import { type Env, readEnv, readList, readOptionalBoolean, readOptionalNumber } from "./env.js";
import type { EnvJwtSettings } from "./presets/jwtOptionsFromEnv.js";
import { readClaims } from "./presets/jwtOptionsFromEnv.js";

/** The introspection validator's options and claim mapping, as read from the environment. */
export interface IntrospectionSettings {
  options: IntrospectionOptions;
  baseClaims: ClaimMapping;
}

/**
 * Reads `AUTH_PROVIDER=introspection`'s variables: the endpoint (`AUTH_INTROSPECTION_URL`, else
 * discovery from `AUTH_ISSUER`), this API's client (`AUTH_CLIENT_ID`, `AUTH_CLIENT_SECRET` or
 * `AUTH_CLIENT_PRIVATE_KEY`, `AUTH_INTROSPECTION_AUTH_METHOD`), and the token rules JWT mode
 * reads too (audience, issuer, clock skew, lifetime, required scopes, claim mapping). With `jwt`
 * (mixed mode) the issuer, audience and rules are the JWT preset's.
 *
 * @example
 * const { options } = readIntrospectionSettings({ AUTH_INTROSPECTION_URL: url, AUTH_CLIENT_ID: "api", AUTH_CLIENT_SECRET: secret, AUTH_AUDIENCE: "api" });
 */
export function readIntrospectionSettings(env: Env, jwt?: EnvJwtSettings): IntrospectionSettings {
  const client = readClient(env);
  const url = readEnv(env, "AUTH_INTROSPECTION_URL");
  const rules = jwt === undefined ? readRules(env) : fromJwt(jwt);
  const options: IntrospectionOptions = { ...rules, client, provider: "introspection" };
  if (url !== undefined) options.url = url;
  return { options, baseClaims: jwt?.baseClaims ?? { ...DEFAULT_CLAIM_MAPPING } };
}

function readClient(env: Env): IntrospectionClientCredentials {
  const clientId = readEnv(env, "AUTH_CLIENT_ID");
  if (clientId === undefined) {
    throw new ConfigurationError(
      "Token introspection needs this API's client at the authorization server: set AUTH_CLIENT_ID and AUTH_CLIENT_SECRET (or AUTH_CLIENT_PRIVATE_KEY).",
    );
  }
  const client: IntrospectionClientCredentials = { clientId };
  const secret = readEnv(env, "AUTH_CLIENT_SECRET");
  const key = readEnv(env, "AUTH_CLIENT_PRIVATE_KEY");
  if (secret !== undefined) client.clientSecret = secret;
  if (key !== undefined) client.privateKey = key;
  const method = readEnv(env, "AUTH_INTROSPECTION_AUTH_METHOD")?.toLowerCase();
  if (method !== undefined) {
    if (!CLIENT_AUTH_METHODS.includes(method as ClientAuthMethod)) {
      throw new ConfigurationError(
        `AUTH_INTROSPECTION_AUTH_METHOD must be one of ${CLIENT_AUTH_METHODS.join(", ")} (got ${JSON.stringify(method.slice(0, 40))}).`,
      );
    }
    client.method = method as ClientAuthMethod;
  }
  return client;
}

type Rules = Omit<IntrospectionOptions, "client">;

function readRules(env: Env): Rules {
  const rules: Rules = {
    issuer: readIssuer(env),
    audience:
      readOptionalBoolean(env, "AUTH_VERIFY_AUDIENCE") === false
        ? false
        : (readList(env, "AUTH_AUDIENCE") ?? []),
    claims: readClaims(env),
  };
  const skew = readOptionalNumber(env, "AUTH_CLOCK_SKEW", { min: 0, max: 3600 });
  const lifetime = readOptionalNumber(env, "AUTH_MAX_TOKEN_LIFETIME_SECONDS", {
    min: 1,
    integer: true,
  });
  const maxBytes = readOptionalNumber(env, "AUTH_MAX_TOKEN_BYTES", { min: 1024, max: 16_384 });
  const timeout = readOptionalNumber(env, "AUTH_HTTP_TIMEOUT_SECONDS", { min: 0.1, max: 60 });
  const scopes = readList(env, "AUTH_REQUIRED_SCOPE");
  if (skew !== undefined) rules.clockToleranceSeconds = skew;
  if (lifetime !== undefined) rules.maxTokenLifetimeSeconds = lifetime;
  if (maxBytes !== undefined) rules.maxTokenBytes = Math.floor(maxBytes);
  if (timeout !== undefined) rules.timeoutSeconds = timeout;
  if (scopes !== undefined) rules.requiredScopes = scopes;
  return rules;
}

/** Optional here: discovery and the `iss` check need it, the endpoint alone does not. */
function readIssuer(env: Env): string | false | undefined {
  if (readOptionalBoolean(env, "AUTH_VERIFY_ISSUER") === false) return false;
  const explicit = readEnv(env, "AUTH_ISSUER");
  const oidc = readEnv(env, "OIDC_ISSUER");
  if (explicit !== undefined && oidc !== undefined && explicit !== oidc) {
    throw new ConfigurationError(
      "AUTH_ISSUER and OIDC_ISSUER are both set and differ: keep one (AUTH_ISSUER wins in meaning, so remove the other).",
    );
  }
  return explicit ?? oidc;
}

function fromJwt({ options }: EnvJwtSettings): Rules {
  const rules: Rules = { issuer: options.issuer, audience: options.audience };
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
