import type { DpopMode } from "../kernel/settings.js";
import type { Env } from "./env.js";
import type { ProxyOptions } from "./resolveProxySettings.js";
import { readOptionalSetting, readSettingsSection, SETTINGS } from "./settingsTable.js";

/**
 * The DPoP settings (RFC 9449), resolved once at creation.
 *
 * @example
 * const { mode, nonceSecret } = readSettings(process.env).dpop;
 */
export interface DpopSettings {
  /** `AUTH_DPOP` (default `allowed`). */
  readonly mode: DpopMode;
  /** `AUTH_DPOP_NONCE_SECRET`: set, proofs must carry a server nonce (the same on every instance). */
  readonly nonceSecret: string | undefined;
  /** `OXAIGEN_AUTH_TRUST_FORWARDED_HOST` (default true): `htu`'s host and scheme from X-Forwarded-*. */
  readonly trustForwardedHost: boolean;
  /** `OXAIGEN_AUTH_ALLOWED_HOSTS`: the hosts a proof's `htu` may name (unset: any). */
  readonly allowedHosts: readonly string[] | undefined;
}

/**
 * Typed options of the DPoP settings; each overrides its variable.
 *
 * @example
 * const auth = createAuth({ dpop: "required", dpopNonceSecret: process.env.NONCE_SECRET });
 */
export interface DpopOptions {
  /** `AUTH_DPOP`. */
  dpop?: DpopMode;
  /** `AUTH_DPOP_NONCE_SECRET` (at least 32 characters). */
  dpopNonceSecret?: string;
}

/**
 * Reads the DPoP rows of the settings table, and the proxy mode's host rows `htu` is read by:
 * options, then env, then defaults; throws ConfigurationError.
 *
 * @example
 * const dpop = resolveDpopSettings(vars, { dpop: "required" });
 */
export function resolveDpopSettings(
  env: Env,
  options: DpopOptions & Pick<ProxyOptions, "allowedHosts" | "trustForwardedHost"> = {},
): DpopSettings {
  const { dpop, dpopNonceSecret } = readSettingsSection(env, "dpop", options);
  return {
    mode: dpop,
    nonceSecret: dpopNonceSecret,
    trustForwardedHost:
      readOptionalSetting(env, SETTINGS.trustForwardedHost, options.trustForwardedHost) ??
      SETTINGS.trustForwardedHost.default,
    allowedHosts: readOptionalSetting(env, SETTINGS.allowedHosts, options.allowedHosts),
  };
}
