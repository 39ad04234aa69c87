import { readOptionalSetting, SETTINGS } from "../settingsTable.js";
import type { Preset } from "./Preset.js";

/**
 * Auth0: issuer `https://{AUTH0_DOMAIN}/` (trailing slash, as Auth0 writes it) unless
 * `AUTH_ISSUER` is set; RBAC `permissions` array; `AUTH_AUDIENCE` is the API identifier.
 *
 * @example
 * // AUTH_PROVIDER=auth0 AUTH0_DOMAIN=tenant.eu.auth0.com AUTH_AUDIENCE=https://api.example.com
 * const validator = createValidatorFromEnv(process.env);
 */
export const auth0Preset: Preset = {
  name: "auth0",
  variables: [SETTINGS.auth0Domain],
  defaults(env) {
    const domain = readOptionalSetting(env, SETTINGS.auth0Domain)
      ?.replace(/^https:\/\//, "")
      .replace(/\/+$/, "");
    return {
      ...(domain === undefined ? {} : { issuer: `https://${domain}/` }),
      claims: { permissions: [["permissions"]] },
    };
  },
  // One custom domain per tenant: each its own issuer, discovery and keys.
  forIssuer: () => ({ claims: { permissions: [["permissions"]] } }),
};
