import { ConfigurationError } from "../../kernel/errors.js";
import { isSet, readOptionalSetting, SETTINGS } from "../settingsTable.js";
import type { Preset, PresetDefaults } from "./Preset.js";
import { requiredBaseUrl } from "./presetUrl.js";

/**
 * Keycloak: issuer `{KEYCLOAK_URL}/realms/{KEYCLOAK_REALM}`, realm roles plus the client's roles,
 * audience (or `azp`) = `KEYCLOAK_CLIENT_ID`.
 *
 * @example
 * // KEYCLOAK_URL=https://sso.example.com KEYCLOAK_REALM=main KEYCLOAK_CLIENT_ID=my-api
 * const auth = createAuth({ validator: createValidatorFromEnv({ AUTH_PROVIDER: "keycloak", ...process.env }) });
 */
export const keycloakPreset: Preset = {
  name: "keycloak",
  variables: [SETTINGS.keycloakUrl, SETTINGS.keycloakRealm, SETTINGS.keycloakClientId],
  detect(env) {
    const url = isSet(env, SETTINGS.keycloakUrl);
    const realm = isSet(env, SETTINGS.keycloakRealm);
    if (url && !realm) {
      throw new ConfigurationError(
        "KEYCLOAK_URL is set without KEYCLOAK_REALM: set both (or neither).",
      );
    }
    if (realm && !url) {
      throw new ConfigurationError(
        "KEYCLOAK_REALM is set without KEYCLOAK_URL: set both (or neither).",
      );
    }
    return url ? `${SETTINGS.keycloakUrl.env} + ${SETTINGS.keycloakRealm.env}` : undefined;
  },
  defaults(env) {
    const base = requiredBaseUrl(env, SETTINGS.keycloakUrl, "keycloak");
    const realm = readOptionalSetting(env, SETTINGS.keycloakRealm);
    if (realm === undefined || /[/?#]/.test(realm)) {
      throw new ConfigurationError(
        "KEYCLOAK_URL is set but KEYCLOAK_REALM is missing or invalid: set KEYCLOAK_REALM to the realm name (no slashes).",
      );
    }
    const clientId = readOptionalSetting(env, SETTINGS.keycloakClientId);
    return {
      ...realmDefaults(`${base}/realms/${encodeURIComponent(realm)}`, clientId),
      ...(clientId === undefined ? {} : { audience: [clientId] }),
    };
  },
  // One realm per tenant: each realm's issuer, its certs and the audience's client roles.
  forIssuer: (issuer, audiences) => realmDefaults(issuer.replace(/\/+$/, ""), audiences[0]),
};

/** A realm's issuer, its certs URL, `azp` as audience, realm roles and the client's roles. */
function realmDefaults(issuer: string, clientId: string | undefined): PresetDefaults {
  return {
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    acceptAzpAsAudience: true,
    claims: {
      roles: [
        ["realm_access", "roles"],
        ...(clientId === undefined ? [] : [["resource_access", clientId, "roles"]]),
      ],
    },
  };
}
