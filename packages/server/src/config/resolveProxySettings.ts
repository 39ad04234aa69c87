import { ConfigurationError } from "../kernel/errors.js";
import { checkBaseUrl } from "../kernel/httpUrl.js";
import type { ProxySettings } from "../validators/proxy/ProxySettings.js";
import { type Env, readBoolean, readEnv, readNumber, settingLabel } from "./env.js";

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

/** Default `OXAIGEN_AUTH_DEV_PROXY_URL`: where the mock server listens. */
export const DEFAULT_DEV_PROXY_URL = "http://127.0.0.1:8765";

/** `OXAIGEN_AUTH_ALLOWED_HOSTS` as a list of lower-case entries; undefined when unset. */
export function readAllowedHosts(
  env: Env,
  option: ProxyOptions["allowedHosts"],
): string[] | undefined {
  const raw = option ?? readEnv(env, "OXAIGEN_AUTH_ALLOWED_HOSTS");
  if (raw === undefined) return undefined;
  const list = typeof raw === "string" ? raw.split(",") : [...raw];
  const entries = list.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== "");
  if (entries.length === 0) {
    const source = settingLabel(
      "OXAIGEN_AUTH_ALLOWED_HOSTS",
      option === undefined ? undefined : "allowedHosts",
    );
    throw new ConfigurationError(
      `${source} is empty: list the hosts the proxy serves (e.g. app.example.com,*.example.com) or unset it.`,
    );
  }
  return entries;
}

/** Reads proxy settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveProxySettings(env: Env, options: ProxyOptions = {}): ProxySettings {
  const override = options.proxyUrlOverride ?? readEnv(env, "OXAIGEN_AUTH_PROXY_URL_OVERRIDE");
  const scheme = (options.proxyScheme ?? readEnv(env, "OXAIGEN_AUTH_PROXY_SCHEME") ?? "https")
    .toString()
    .toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    const source = settingLabel(
      "OXAIGEN_AUTH_PROXY_SCHEME",
      options.proxyScheme === undefined ? undefined : "proxyScheme",
    );
    throw new ConfigurationError(`${source} must be "http" or "https".`);
  }
  const timeout = readNumber(
    env,
    "OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS",
    options.proxyTimeoutSeconds,
    5,
    { min: 0, option: "proxyTimeoutSeconds" },
  );
  if (timeout === 0) {
    const source = settingLabel(
      "OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS",
      options.proxyTimeoutSeconds === undefined ? undefined : "proxyTimeoutSeconds",
    );
    throw new ConfigurationError(`${source} must be greater than 0.`);
  }
  return {
    proxyUrlOverride:
      override === undefined
        ? undefined
        : checkBaseUrl(
            override,
            settingLabel(
              "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
              options.proxyUrlOverride === undefined ? undefined : "proxyUrlOverride",
            ),
          ),
    proxyScheme: scheme,
    devMode: readBoolean(env, "OXAIGEN_AUTH_DEV_MODE", options.devMode, false),
    devProxyUrl: checkBaseUrl(
      options.devProxyUrl ?? readEnv(env, "OXAIGEN_AUTH_DEV_PROXY_URL") ?? DEFAULT_DEV_PROXY_URL,
      settingLabel(
        "OXAIGEN_AUTH_DEV_PROXY_URL",
        options.devProxyUrl === undefined ? undefined : "devProxyUrl",
      ),
    ),
    allowedHosts: readAllowedHosts(env, options.allowedHosts),
    trustForwardedHost: readBoolean(
      env,
      "OXAIGEN_AUTH_TRUST_FORWARDED_HOST",
      options.trustForwardedHost,
      true,
    ),
    proxyTimeoutSeconds: timeout,
  };
}
