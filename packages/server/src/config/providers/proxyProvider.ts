import { createProxyValidator } from "../../validators/proxy/createProxyValidator.js";
import { refuseUnsafeProduction } from "../refuseUnsafeProduction.js";
import { type ProxySettings, resolveProxySettings } from "../resolveProxySettings.js";
import { isSet, SETTINGS } from "../settingsTable.js";
import type { Provider } from "./Provider.js";

/** Settings that only make sense in proxy mode: with another provider also configured, ask. */
const PROXY_ONLY = [SETTINGS.proxyUrlOverride, SETTINGS.devMode, SETTINGS.allowedHosts];

/**
 * The Oxaigen auth proxy's `/_oxa_auth/*` API: the default when nothing else is configured.
 *
 * @example
 * const validator = proxyProvider.create(proxyProvider.readSection(env, {}), context);
 */
export const proxyProvider: Provider<ProxySettings> = {
  name: "proxy",
  variables: [SETTINGS.proxyUrlOverride, SETTINGS.devProxyUrl, SETTINGS.allowedHosts],
  detect: (env) => PROXY_ONLY.find((row) => isSet(env, row))?.env,
  readSection: (env, options) => resolveProxySettings(env, options),
  create(section, { options, logger, production }) {
    refuseUnsafeProduction(section, production, logger);
    return createProxyValidator(section, { client: options.proxyClient, logger: options.logger });
  },
};
