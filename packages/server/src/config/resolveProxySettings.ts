import type { ProxySettings } from "../validators/proxy/ProxySettings.js";
import type { Env } from "./env.js";
import { readOptionalSetting, readSetting, SETTINGS } from "./settingsTable.js";

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

/** Reads proxy settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveProxySettings(env: Env, options: ProxyOptions = {}): ProxySettings {
  // The order is the order errors were always reported in.
  const proxyScheme = readSetting(env, SETTINGS.proxyScheme, options.proxyScheme);
  const proxyTimeoutSeconds = readSetting(
    env,
    SETTINGS.proxyTimeoutSeconds,
    options.proxyTimeoutSeconds,
  );
  return {
    proxyUrlOverride: readOptionalSetting(env, SETTINGS.proxyUrlOverride, options.proxyUrlOverride),
    proxyScheme,
    devMode: readSetting(env, SETTINGS.devMode, options.devMode),
    devProxyUrl: readSetting(env, SETTINGS.devProxyUrl, options.devProxyUrl),
    allowedHosts: readOptionalSetting(env, SETTINGS.allowedHosts, options.allowedHosts),
    trustForwardedHost: readSetting(env, SETTINGS.trustForwardedHost, options.trustForwardedHost),
    proxyTimeoutSeconds,
  };
}
