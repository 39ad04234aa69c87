import { ConfigurationError } from "../../kernel/errors.js";
import type {
  JwtIssuer,
  MultiIssuerValidatorOptions,
} from "../../validators/jwt/MultiIssuerValidator.js";
import { DEFAULT_CLAIM_MAPPING } from "../../validators/jwt/mapClaimsToUser.js";
import type { Env } from "../env.js";
import type { IssuerOptions, IssuersOptions } from "../IssuersOptions.js";
import { isSet, readOptionalSetting, SETTINGS } from "../settingsTable.js";
import { readSharedJwtOptions, type SharedJwtOptions } from "./jwtOptionsFromEnv.js";
import type { Preset } from "./Preset.js";

/** Single-issuer variables that make no sense next to a list of issuers. */
const ONE_ISSUER_ROWS = [
  SETTINGS.issuer,
  SETTINGS.oidcIssuer,
  SETTINGS.jwksUrl,
  SETTINGS.jwtSecret,
];

/**
 * The many-issuer settings of a preset: `AUTH_ISSUERS` or the `issuers` / `issuerResolver`
 * options (the options win), each issuer with the preset's defaults for it, `AUTH_AUDIENCE` and
 * the shared `AUTH_*` settings; undefined when none of them is set (one issuer).
 *
 * @example
 * const section = readIssuers(vars, keycloakPreset, { issuers: [realmA, realmB] });
 */
export function readIssuers(
  env: Env,
  preset: Preset,
  options: IssuersOptions & { resource?: string | undefined },
): MultiIssuerValidatorOptions | undefined {
  const listed = readOptionalSetting(env, SETTINGS.issuers);
  if (listed === undefined && options.issuers === undefined && !options.issuerResolver) {
    return undefined;
  }
  const forIssuer = checkPreset(env, preset);
  const shared = readSharedJwtOptions(env);
  const { resource } = options;
  // A protected resource (AUTH_RESOURCE) is the audience when none is named, as with one issuer.
  const audience = readSharedAudience(env) ?? (resource === undefined ? undefined : [resource]);
  const toIssuer = (entry: string | IssuerOptions): JwtIssuer =>
    issuerSettings(typeof entry === "string" ? { issuer: entry } : entry, {
      forIssuer,
      shared,
      audience,
    });
  const settings: MultiIssuerValidatorOptions = {
    provider: preset.name,
    issuers: (options.issuers ?? listed ?? []).map(toIssuer),
    ...pickShared(shared),
    ...(resource === undefined ? {} : { resource }),
  };
  const resolver = options.issuerResolver;
  if (resolver !== undefined) {
    const { resolve, ...rest } = typeof resolver === "function" ? { resolve: resolver } : resolver;
    settings.resolver = {
      ...rest,
      resolve: async (request, iss) => {
        const answer = await resolve(request, iss);
        return answer === null || answer === undefined ? answer : toIssuer(answer);
      },
    };
  }
  return settings;
}

interface IssuerContext {
  forIssuer: NonNullable<Preset["forIssuer"]>;
  shared: SharedJwtOptions;
  audience: readonly string[] | false | undefined;
}

/** One issuer's settings: the preset's defaults, then the shared `AUTH_*` ones, then its own. */
function issuerSettings(entry: IssuerOptions, { forIssuer, shared, audience }: IssuerContext) {
  if (typeof entry?.issuer !== "string" || entry.issuer === "") {
    throw new ConfigurationError(
      "Each of the issuers (AUTH_ISSUERS) is an issuer URL or { issuer, audience?, jwksUrl? }.",
    );
  }
  const own = entry.audience === undefined ? undefined : [entry.audience].flat();
  const audiences = own ?? audience;
  if (audiences === undefined) {
    throw new ConfigurationError(
      `Set AUTH_AUDIENCE (every issuer of AUTH_ISSUERS shares it), or give the issuer ${entry.issuer} its audience.`,
    );
  }
  const defaults = forIssuer(entry.issuer, audiences === false ? [] : audiences);
  const jwksUrl = entry.jwksUrl ?? defaults.jwksUrl;
  const algorithms = shared.algorithms ?? defaults.algorithms;
  const issuer: JwtIssuer = {
    issuer: entry.issuer,
    audience: audiences,
    acceptAzpAsAudience: defaults.acceptAzpAsAudience ?? false,
    claims: { ...shared.claims, ...entry.claims },
    baseClaims: { ...DEFAULT_CLAIM_MAPPING, ...defaults.claims },
  };
  if (jwksUrl !== undefined) issuer.jwksUrl = jwksUrl;
  if (algorithms !== undefined) issuer.algorithms = algorithms;
  if (shared.requiredScopes !== undefined) issuer.requiredScopes = shared.requiredScopes;
  if (shared.jwks !== undefined) issuer.jwks = shared.jwks;
  if (shared.requireAccessTokenType === true) issuer.requireAccessTokenType = true;
  return issuer;
}

function checkPreset(env: Env, preset: Preset): NonNullable<Preset["forIssuer"]> {
  const conflict = ONE_ISSUER_ROWS.find((row) => isSet(env, row))?.env;
  if (conflict !== undefined) {
    throw new ConfigurationError(
      `${conflict} is about one issuer, but many are configured (AUTH_ISSUERS or the issuers / issuerResolver options): remove ${conflict}, and give an issuer its own jwksUrl in the issuers option.`,
    );
  }
  if (readOptionalSetting(env, SETTINGS.verifyIssuer) === false) {
    throw new ConfigurationError(
      "AUTH_VERIFY_ISSUER=false contradicts a list of trusted issuers (AUTH_ISSUERS or the issuers option): remove one of them.",
    );
  }
  if (preset.forIssuer === undefined) {
    throw new ConfigurationError(
      `AUTH_PROVIDER=${preset.name} takes one issuer; many issuers work with jwt, keycloak, auth0, okta and azure.`,
    );
  }
  return preset.forIssuer.bind(preset);
}

function readSharedAudience(env: Env): readonly string[] | false | undefined {
  if (readOptionalSetting(env, SETTINGS.verifyAudience) === false) return false;
  return readOptionalSetting(env, SETTINGS.audience);
}

function pickShared(shared: SharedJwtOptions): Partial<MultiIssuerValidatorOptions> {
  const picked: Partial<MultiIssuerValidatorOptions> = {};
  if (shared.clockToleranceSeconds !== undefined) {
    picked.clockToleranceSeconds = shared.clockToleranceSeconds;
  }
  if (shared.maxTokenLifetimeSeconds !== undefined) {
    picked.maxTokenLifetimeSeconds = shared.maxTokenLifetimeSeconds;
  }
  if (shared.maxTokenBytes !== undefined) picked.maxTokenBytes = shared.maxTokenBytes;
  return picked;
}
