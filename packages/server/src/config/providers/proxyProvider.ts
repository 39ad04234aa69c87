import { createProxyValidator } from "../../validators/proxy/createProxyValidator.js";
import { readEnv } from "../env.js";
import { refuseUnsafeProduction } from "../refuseUnsafeProduction.js";
import { type ProxySettings, resolveProxySettings } from "../resolveProxySettings.js";
import type { Provider } from "./Provider.js";

/** Settings that only make sense in proxy mode: with another provider also configured, ask. */
const PROXY_VARS = [
  "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
  "OXAIGEN_AUTH_DEV_MODE",
  "OXAIGEN_AUTH_ALLOWED_HOSTS",
];

/**
 * The Oxaigen auth proxy's `/_oxa_auth/*` API: the default when nothing else is configured.
 *
 * @example
 * const validator = proxyProvider.create(proxyProvider.readSection(env, {}), context);
 */
export const proxyProvider: Provider<ProxySettings> = {
  name: "proxy",
  variables: [
    "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
    "OXAIGEN_AUTH_DEV_PROXY_URL",
    "OXAIGEN_AUTH_ALLOWED_HOSTS",
  ],
  detect: (env) => PROXY_VARS.find((name) => readEnv(env, name) !== undefined),
  readSection: (env, options) => resolveProxySettings(env, options),
  create(section, { options, logger, production }) {
    refuseUnsafeProduction(section, production, logger);
    return createProxyValidator(section, { client: options.proxyClient, logger: options.logger });
  },
};
