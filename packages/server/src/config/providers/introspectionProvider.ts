import { createIntrospectionValidator } from "../createIntrospectionValidator.js";
import {
  type IntrospectionSettings,
  readIntrospectionSettings,
} from "../readIntrospectionSettings.js";
import { isSet, SETTINGS } from "../settingsTable.js";
import type { Provider } from "./Provider.js";

/**
 * `AUTH_PROVIDER=introspection` (detected from `AUTH_INTROSPECTION_URL`): opaque tokens checked
 * by the authorization server's RFC 7662 endpoint. A JWT provider with `AUTH_INTROSPECTION_URL`
 * is mixed mode instead (see `presetProvider`).
 *
 * @example
 * const validator = introspectionProvider.create(introspectionProvider.readSection(env, {}), context);
 */
export const introspectionProvider: Provider<IntrospectionSettings> = {
  name: "introspection",
  variables: [SETTINGS.introspectionUrl],
  detect: (env) =>
    isSet(env, SETTINGS.introspectionUrl) ? SETTINGS.introspectionUrl.env : undefined,
  readSection: (env, options) => readIntrospectionSettings(env, { resource: options.resource }),
  create: ({ options, baseClaims }, { logger }) =>
    createIntrospectionValidator({ ...options, logger }, baseClaims),
};
