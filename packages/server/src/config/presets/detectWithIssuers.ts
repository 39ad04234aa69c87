import { ConfigurationError } from "../../kernel/errors.js";
import type { IssuersOptions } from "../IssuersOptions.js";
import { SETTINGS } from "../settingsTable.js";
import type { ProviderDetection } from "./detectProvider.js";

/**
 * The provider when the `issuers` / `issuerResolver` options are given: `AUTH_PROVIDER` or the
 * detected preset, else generic `jwt` (the options alone ask for it); a provider that is not a
 * JWT preset (proxy, none, a custom adapter) cannot take them.
 *
 * @example
 * detectWithIssuers({ provider: "proxy", reason: "no provider settings (default)" }, { issuers });
 * // { provider: "jwt", reason: "the issuers option" }
 */
export function detectWithIssuers(
  detection: ProviderDetection,
  options: IssuersOptions,
  isPreset: (name: string) => boolean,
): ProviderDetection {
  if (options.issuers === undefined && !options.issuerResolver) return detection;
  if (isPreset(detection.provider)) return detection;
  if (detection.reason === SETTINGS.provider.env || detection.provider !== "proxy") {
    throw new ConfigurationError(
      `The issuers / issuerResolver options need local JWT validation, not AUTH_PROVIDER=${detection.provider}: set AUTH_PROVIDER=jwt (or keycloak, auth0, okta, azure), or leave it unset.`,
    );
  }
  return { provider: "jwt", reason: "the issuers option" };
}
