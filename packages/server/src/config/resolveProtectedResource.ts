import { ASYMMETRIC_ALGORITHMS } from "../kernel/asymmetricAlgorithms.js";
import { ConfigurationError } from "../kernel/errors.js";
import { checkHttpUrl } from "../kernel/httpUrl.js";
import type { ProtectedResourceSettings } from "../kernel/protectedResourceMetadata.js";
import type { DpopMode } from "../kernel/settings.js";
import { isPlainHttpRemote } from "../validators/jwt/insecureUrl.js";
import { type Env, settingLabel } from "./env.js";
import { type AnyRow, readSettingsSection, SETTINGS } from "./settingsTable.js";

/**
 * The options of this API as an OAuth protected resource (RFC 9728, RFC 8707); each wins over
 * its variable.
 *
 * @example
 * const options: ProtectedResourceOptions = {
 *   resource: "https://mcp.example.com/mcp",
 *   authorizationServers: ["https://id.example.com"],
 * };
 */
export interface ProtectedResourceOptions {
  /** `AUTH_RESOURCE`: this API's resource identifier, which its tokens must name in `aud`. */
  resource?: string;
  /** `AUTH_AUTHORIZATION_SERVERS`: the issuers of its tokens, listed in its metadata. */
  authorizationServers?: readonly string[];
  /** `AUTH_SCOPES_SUPPORTED`: the scopes its metadata lists (`scopes_supported`). */
  scopesSupported?: readonly string[];
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Reads the protected resource settings; undefined when no resource is set. A resource must be
 * an https URL (plain http on loopback only) without query or fragment, and needs at least one
 * authorization server; throws a ConfigurationError naming the variable or option otherwise.
 */
export function resolveProtectedResource(
  env: Env,
  options: ProtectedResourceOptions = {},
  dpop: DpopMode = "off",
): ProtectedResourceSettings | undefined {
  const read = readSettingsSection(env, "resource", options);
  const { resource, authorizationServers: servers } = read;
  const scopes = read.scopesSupported ?? [];
  // The variable, or the option when the value came from code.
  const label = (row: AnyRow, value: unknown) =>
    settingLabel(row.env, value === undefined ? undefined : row.option);
  if (resource === undefined) {
    if (servers === undefined && scopes.length === 0) return undefined;
    throw new ConfigurationError(
      "AUTH_AUTHORIZATION_SERVERS and AUTH_SCOPES_SUPPORTED describe a protected resource: set AUTH_RESOURCE (this API's URL, e.g. https://mcp.example.com/mcp) too, or remove them.",
    );
  }
  checkResourceUrl(resource, label(SETTINGS.resource, options.resource));
  const serversLabel = label(SETTINGS.authorizationServers, options.authorizationServers);
  if (servers === undefined || servers.length === 0) {
    throw new ConfigurationError(
      `${serversLabel} must list the issuer URL of the authorization server(s) that issue tokens for ${label(SETTINGS.resource, options.resource)}.`,
    );
  }
  for (const server of servers) checkResourceUrl(server, serversLabel);
  const badScope = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (badScope !== undefined) {
    throw new ConfigurationError(
      `${label(SETTINGS.scopesSupported, options.scopesSupported)} must list OAuth scope names (visible ASCII without spaces, quotes or backslashes).`,
    );
  }
  return Object.freeze({
    resource,
    authorizationServers: Object.freeze([...servers]),
    scopesSupported: Object.freeze([...scopes]),
    // The metadata announces DPoP whenever the API accepts it (RFC 9728 §2).
    ...(dpop === "off"
      ? {}
      : {
          dpop: Object.freeze({ algorithms: ASYMMETRIC_ALGORITHMS, required: dpop === "required" }),
        }),
  });
}

/** An https URL without query or fragment; plain http only on loopback (development). */
function checkResourceUrl(value: string, name: string): void {
  checkHttpUrl(value, name, { base: true });
  if (isPlainHttpRemote(value)) {
    throw new ConfigurationError(
      `${name} must be an https URL (plain http only on localhost / 127.0.0.1 in development).`,
    );
  }
}
