import { ConfigurationError } from "../../kernel/errors.js";
import { isSet, SETTINGS } from "../settingsTable.js";
import type { Preset, PresetDefaults } from "./Preset.js";

/**
 * Generic OIDC (`AUTH_PROVIDER=jwt`): standard claims, scopes from `scope` and `scp` (string or
 * array), `roles`. Configure with AUTH_ISSUER (or OIDC_ISSUER), AUTH_AUDIENCE, AUTH_JWKS_URL.
 *
 * @example
 * // AUTH_ISSUER=https://id.example.com/ AUTH_AUDIENCE=my-api
 * const validator = createValidatorFromEnv(process.env);
 */
export const oidcPreset: Preset = {
  name: "jwt",
  variables: [
    SETTINGS.issuer,
    SETTINGS.oidcIssuer,
    SETTINGS.oidcClientId,
    SETTINGS.jwksUrl,
    SETTINGS.audience,
    SETTINGS.jwtSecret,
    SETTINGS.issuers,
  ],
  fallback: true,
  detect(env) {
    if (isSet(env, SETTINGS.issuers)) return SETTINGS.issuers.env;
    const issuer = isSet(env, SETTINGS.issuer) ? SETTINGS.issuer : SETTINGS.oidcIssuer;
    const jwks = isSet(env, SETTINGS.jwksUrl);
    if (isSet(env, issuer)) return `${jwks ? `${SETTINGS.jwksUrl.env} + ` : ""}${issuer.env}`;
    // A Keycloak URL supplies the issuer of its JWKS; alone, a JWKS URL checks no issuer.
    if (jwks && !isSet(env, SETTINGS.keycloakUrl)) {
      throw new ConfigurationError(
        "AUTH_JWKS_URL is set without AUTH_ISSUER (or OIDC_ISSUER): set the issuer too, or AUTH_PROVIDER=jwt with AUTH_VERIFY_ISSUER=false (not recommended).",
      );
    }
    return undefined;
  },
  defaults: () => ({}),
  forIssuer: () => ({}),
};

/**
 * Okta: generic OIDC; its `scp` claim is an array, which the default scope mapping reads.
 *
 * @example
 * // AUTH_PROVIDER=okta AUTH_ISSUER=https://dev-1.okta.com/oauth2/default AUTH_AUDIENCE=api://default
 * const validator = createValidatorFromEnv(process.env);
 */
export const oktaPreset: Preset = { name: "okta", defaults: () => ({}), forIssuer: () => ({}) };

/**
 * Azure AD / Entra ID: the stable user id is `oid` (`sub` is per application), `scp` is a
 * space-separated string, app roles in `roles`, v1 user names in `upn`.
 *
 * @example
 * // AUTH_PROVIDER=azure AUTH_ISSUER=https://login.microsoftonline.com/<tenant>/v2.0 AUTH_AUDIENCE=<client id>
 * const validator = createValidatorFromEnv(process.env);
 */
export const azurePreset: Preset = {
  name: "azure",
  defaults: () => ({ claims: AZURE_CLAIMS }),
  // A multi-tenant app's `{tenantid}` issuer: every tenant's keys are Microsoft's common ones.
  forIssuer: (issuer) => {
    const jwksUrl = AZURE_COMMON_KEYS.find(([template]) => template === issuer)?.[1];
    return { claims: AZURE_CLAIMS, ...(jwksUrl === undefined ? {} : { jwksUrl }) };
  },
};

const AZURE_CLAIMS: PresetDefaults["claims"] = {
  userId: [["oid"], ["sub"]],
  userName: [["preferred_username"], ["upn"], ["unique_name"]],
};

/** Azure AD's multi-tenant issuers (v2.0 and v1 tokens) and the key sets all tenants share. */
const AZURE_COMMON_KEYS: ReadonlyArray<readonly [string, string]> = [
  [
    "https://login.microsoftonline.com/{tenantid}/v2.0",
    "https://login.microsoftonline.com/common/discovery/v2.0/keys",
  ],
  [
    "https://sts.windows.net/{tenantid}/",
    "https://login.microsoftonline.com/common/discovery/keys",
  ],
];
