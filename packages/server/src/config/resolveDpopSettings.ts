import { ConfigurationError } from "../kernel/errors.js";
import type { DpopMode } from "../kernel/settings.js";
import { type Env, readBoolean, readEnv, settingLabel } from "./env.js";
import { type ProxyOptions, readAllowedHosts } from "./resolveProxySettings.js";

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

const MODES: readonly DpopMode[] = ["off", "allowed", "required"];
const MIN_SECRET_LENGTH = 32;

/** Reads the DPoP settings from options, then env, then defaults; throws ConfigurationError. */
export function resolveDpopSettings(
  env: Env,
  options: DpopOptions & Pick<ProxyOptions, "allowedHosts" | "trustForwardedHost"> = {},
): DpopSettings {
  const mode = (options.dpop ?? readEnv(env, "AUTH_DPOP")?.toLowerCase() ?? "allowed") as DpopMode;
  if (!MODES.includes(mode)) {
    const source = settingLabel("AUTH_DPOP", options.dpop === undefined ? undefined : "dpop");
    throw new ConfigurationError(`${source} must be one of off, allowed, required.`);
  }
  const nonceSecret = options.dpopNonceSecret ?? readEnv(env, "AUTH_DPOP_NONCE_SECRET");
  if (nonceSecret !== undefined && nonceSecret.length < MIN_SECRET_LENGTH) {
    const source = settingLabel(
      "AUTH_DPOP_NONCE_SECRET",
      options.dpopNonceSecret === undefined ? undefined : "dpopNonceSecret",
    );
    throw new ConfigurationError(
      `${source} must be at least ${MIN_SECRET_LENGTH} characters (a random value shared by every instance).`,
    );
  }
  return {
    mode,
    nonceSecret,
    trustForwardedHost: readBoolean(
      env,
      "OXAIGEN_AUTH_TRUST_FORWARDED_HOST",
      options.trustForwardedHost,
      true,
    ),
    allowedHosts: readAllowedHosts(env, options.allowedHosts),
  };
}
