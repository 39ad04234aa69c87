import { ConfigurationError } from "../kernel/errors.js";
import type { AuthLogger } from "../kernel/settings.js";
import type { ProxySettings } from "./resolveProxySettings.js";

/** The error-level line when production explicitly accepts any host (`*`). */
export const ANY_HOST_IN_PRODUCTION =
  "[@org/auth-server] SECURITY: OXAIGEN_AUTH_ALLOWED_HOSTS=* with NODE_ENV=production: any Host / X-Forwarded-Host header chooses the auth proxy that vouches for tokens (authentication bypass, SSRF). This explicit opt-out is on you; list the hosts the proxy serves instead.";

/**
 * Production must not let the request's Host choose the validator: with `NODE_ENV=production`,
 * proxy mode without an allow-list, override or dev mode refuses to start (saying what to set);
 * an explicit `*` starts but is logged at error level. Development keeps the zero-config
 * behaviour (the validator's one start-up warning).
 */
export function refuseUnsafeProduction(
  settings: ProxySettings,
  production: boolean,
  logger: AuthLogger,
): void {
  if (!production) return;
  if (settings.proxyUrlOverride !== undefined || settings.devMode) return;
  const hosts = settings.allowedHosts;
  if (hosts === undefined) {
    throw new ConfigurationError(
      "Refusing to start: NODE_ENV=production and OXAIGEN_AUTH_ALLOWED_HOSTS is not set, so the client-controlled Host / X-Forwarded-Host header would choose the auth proxy that vouches for every token (full authentication bypass). Set OXAIGEN_AUTH_ALLOWED_HOSTS to the hosts the proxy serves (e.g. app.example.com,*.example.com; host:port for other ports), or OXAIGEN_AUTH_PROXY_URL_OVERRIDE to the proxy's URL; OXAIGEN_AUTH_ALLOWED_HOSTS=* accepts any host explicitly.",
    );
  }
  if (hosts.includes("*")) (logger.error ?? logger.warn).call(logger, ANY_HOST_IN_PRODUCTION);
}
