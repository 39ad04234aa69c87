import { type RequestLike, toRequestContext } from "../kernel/requestContext.js";
import { ProxyUrlResolver } from "../validators/proxy/ProxyUrlResolver.js";
import { processEnv } from "./createAuth.js";
import type { Env } from "./env.js";
import { type ProxyOptions, resolveProxySettings } from "./resolveProxySettings.js";

/**
 * The auth proxy base URL for a request: `OXAIGEN_AUTH_PROXY_URL_OVERRIDE` > dev mode
 * (`OXAIGEN_AUTH_DEV_PROXY_URL`) > `{OXAIGEN_AUTH_PROXY_SCHEME}://{X-Forwarded-Host or Host}`,
 * checked against `OXAIGEN_AUTH_ALLOWED_HOSTS`. Throws 400 for a malformed host, 401 for one not
 * allowed. Reads settings on every call: use an `Auth` instance on hot paths.
 *
 * @example
 * deriveProxyBaseUrl(req, { proxyScheme: "http" }); // "http://app.localhost:3000"
 */
export function deriveProxyBaseUrl(
  request: RequestLike,
  options: ProxyOptions & { env?: Env } = {},
): string {
  const settings = resolveProxySettings(options.env ?? processEnv(), options);
  return new ProxyUrlResolver(settings).resolve(toRequestContext(request));
}
