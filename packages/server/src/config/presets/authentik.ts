import { ConfigurationError } from "../../kernel/errors.js";
import { readOptionalSetting, SETTINGS } from "../settingsTable.js";
import type { Preset } from "./Preset.js";

/**
 * Authentik: issuer `OIDC_ISSUER` (must end with "/"), audience `OIDC_CLIENT_ID`, `groups` as
 * roles. Providers without a signing key sign HS256 with the client secret: set AUTH_JWT_SECRET.
 *
 * @example
 * // AUTH_PROVIDER=authentik OIDC_ISSUER=https://auth.example.com/application/o/my-app/ OIDC_CLIENT_ID=abc
 * const validator = createValidatorFromEnv(process.env);
 */
export const authentikPreset: Preset = {
  name: "authentik",
  defaults(env) {
    const issuer =
      readOptionalSetting(env, SETTINGS.issuer) ?? readOptionalSetting(env, SETTINGS.oidcIssuer);
    if (issuer !== undefined && !issuer.endsWith("/")) {
      throw new ConfigurationError(
        `Authentik issuers end with a slash: set OIDC_ISSUER to "${issuer}/" (exactly as the provider's discovery document says).`,
      );
    }
    const clientId = readOptionalSetting(env, SETTINGS.oidcClientId);
    return {
      ...(issuer === undefined ? {} : { issuer }),
      ...(clientId === undefined ? {} : { audience: [clientId] }),
      claims: { roles: [["groups"], ["roles"]] },
    };
  },
};
