/**
 * Proxy-mode settings, resolved once at creation.
 *
 * @example
 * const settings: ProxySettings = {
 *   proxyUrlOverride: undefined,
 *   proxyScheme: "https",
 *   devMode: true,
 *   devProxyUrl: DEFAULT_DEV_PROXY_URL,
 *   allowedHosts: ["app.example.com"],
 *   trustForwardedHost: false,
 *   proxyTimeoutSeconds: 5,
 * };
 */
export interface ProxySettings {
  /** `OXAIGEN_AUTH_PROXY_URL_OVERRIDE`: fixed proxy URL, wins over everything. */
  proxyUrlOverride: string | undefined;
  /** `OXAIGEN_AUTH_PROXY_SCHEME` (default `https`): scheme of the URL derived from the Host. */
  proxyScheme: "http" | "https";
  /** `OXAIGEN_AUTH_DEV_MODE` (default false): call `devProxyUrl` instead of deriving. */
  devMode: boolean;
  /** `OXAIGEN_AUTH_DEV_PROXY_URL` (default `http://127.0.0.1:8765`, the mock server). */
  devProxyUrl: string;
  /** `OXAIGEN_AUTH_ALLOWED_HOSTS` (comma-separated; unset = any host, with a start-up warning). */
  allowedHosts: readonly string[] | undefined;
  /**
   * `OXAIGEN_AUTH_TRUST_FORWARDED_HOST` (default true, as the Python SDK): derive from
   * X-Forwarded-Host when present; false = only the Host header.
   */
  trustForwardedHost: boolean;
  /** `OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS` (default 5.0): whole-request deadline per upstream call. */
  proxyTimeoutSeconds: number;
}
