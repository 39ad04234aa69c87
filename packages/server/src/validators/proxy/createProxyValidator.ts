import type { AuthLogger } from "../../kernel/settings.js";
import type { TokenValidator } from "../../kernel/types.js";
import { ProxyAuthClient } from "./ProxyAuthClient.js";
import type { ProxySettings } from "./ProxySettings.js";
import { ProxyUrlResolver } from "./ProxyUrlResolver.js";

/** The start-up warning when the proxy URL comes from client-controlled headers. */
export const UNRESTRICTED_HOST_WARNING =
  "[@org/auth-server] SECURITY WARNING — NOT SAFE FOR PRODUCTION: OXAIGEN_AUTH_ALLOWED_HOSTS is not set (or is *), so the client-controlled Host / X-Forwarded-Host header chooses the auth proxy that vouches for every token. A request with `Host: attacker.example` (or an internal address such as `127.1`) makes this server call that host and accept its answer: full authentication bypass and SSRF. Set OXAIGEN_AUTH_ALLOWED_HOSTS to the hosts the proxy serves (e.g. app.example.com,*.example.com), or OXAIGEN_AUTH_PROXY_URL_OVERRIDE.";

/**
 * Proxy mode as a {@link TokenValidator}: the cache scope is the proxy base URL of the request,
 * validation calls `get-me`, permissions call `test-app-permission/{name}`.
 */
export function createProxyValidator(
  settings: ProxySettings,
  options: { client?: ProxyAuthClient; logger?: AuthLogger } = {},
): TokenValidator {
  const resolver = new ProxyUrlResolver(settings);
  const client =
    options.client ?? new ProxyAuthClient({ timeoutSeconds: settings.proxyTimeoutSeconds });
  if (resolver.isUnrestricted) {
    (options.logger ?? console).warn(UNRESTRICTED_HOST_WARNING);
  }
  return {
    name: "proxy",
    // The proxy decides every answer; which proxy is the scope (its base URL).
    identity: "oxaigen-proxy/get-me",
    scope: (ctx) => resolver.resolve(ctx),
    verify: async (token, ctx) => {
      const url = resolver.resolve(ctx);
      try {
        return { user: await client.getMe(url, token) };
      } catch (error) {
        throw resolver.explain(error, ctx);
      }
    },
    hasPermission: async (token, _verification, permission, ctx) => {
      const url = resolver.resolve(ctx);
      try {
        return await client.testPermission(url, token, permission);
      } catch (error) {
        throw resolver.explain(error, ctx);
      }
    },
    close: () => client.close(),
    useTelemetry: (telemetry) => client.useTelemetry(telemetry),
  };
}
