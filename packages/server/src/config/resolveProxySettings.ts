import type { ProxySettings } from "../validators/proxy/ProxySettings.js";
import type { Env } from "./env.js";
import { readSettingsSection } from "./settingsTable.js";

export { DEFAULT_DEV_PROXY_URL } from "./settingsTable.js";
export type { ProxySettings };

/**
 * Typed constructor options for proxy mode; each overrides its env var.
 *
 * @example
 * const proxy: ProxyOptions = { allowedHosts: "app.example.com", trustForwardedHost: false };
 * const auth = createAuth(proxy);
 */
export interface ProxyOptions {
  proxyUrlOverride?: string;
  proxyScheme?: "http" | "https";
  devMode?: boolean;
  devProxyUrl?: string;
  /** Array, or a comma-separated string as in the env var. */
  allowedHosts?: readonly string[] | string;
  /** false: ignore X-Forwarded-Host and derive the proxy URL from Host only. */
  trustForwardedHost?: boolean;
  proxyTimeoutSeconds?: number;
}

/**
 * Reads the proxy section of the settings table: options, then env, then defaults; throws
 * ConfigurationError.
 *
 * @example
 * const proxy = resolveProxySettings(process.env, { allowedHosts: "app.example.com" });
 */
export function resolveProxySettings(env: Env, options: ProxyOptions = {}): ProxySettings {
  return readSettingsSection(env, "proxy", options);
}
