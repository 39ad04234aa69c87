import { ConfigurationError } from "../../kernel/errors.js";
import { readEnv } from "../env.js";
import type { Preset } from "./Preset.js";
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
  defaults(env) {
    const base = requiredBaseUrl(env, "KEYCLOAK_URL", "keycloak");
    const realm = readEnv(env, "KEYCLOAK_REALM");
    if (realm === undefined || /[/?#]/.test(realm)) {
      throw new ConfigurationError(
        "KEYCLOAK_URL is set but KEYCLOAK_REALM is missing or invalid: set KEYCLOAK_REALM to the realm name (no slashes).",
      );
    }
    const clientId = readEnv(env, "KEYCLOAK_CLIENT_ID");
    const issuer = `${base}/realms/${encodeURIComponent(realm)}`;
    return {
      issuer,
      jwksUrl: `${issuer}/protocol/openid-connect/certs`,
      ...(clientId === undefined ? {} : { audience: [clientId] }),
      acceptAzpAsAudience: true,
      claims: {
        roles: [
          ["realm_access", "roles"],
          ...(clientId === undefined ? [] : [["resource_access", clientId, "roles"]]),
        ],
      },
    };
  },
};
