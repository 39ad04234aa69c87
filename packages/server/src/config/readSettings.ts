import type { ProtectedResourceSettings } from "../kernel/protectedResourceMetadata.js";
import type { AuthSettings, LimitSettings } from "../kernel/settings.js";
import type { RedisOptions } from "../redis/FleetCache.js";
import type { AuthOptions } from "./AuthOptions.js";
import type { BackchannelLogoutSettings } from "./createBackchannelLogout.js";
import type { Env } from "./env.js";
import { detectProvider, type ProviderDetection } from "./presets/detectProvider.js";
import { detectWithIssuers } from "./presets/detectWithIssuers.js";
import { PRESETS } from "./presets/presets.js";
import { builtInProvider } from "./providers/providers.js";
import { type DpopSettings, resolveDpopSettings } from "./resolveDpopSettings.js";
import { resolveProtectedResource } from "./resolveProtectedResource.js";
import { resolveRedisOptions } from "./resolveRedisOptions.js";
import { readOptionalSetting, readSettingsSection, SETTINGS } from "./settingsTable.js";
import { snapshotEnv } from "./snapshotEnv.js";

/**
 * Everything the SDK's configuration says, read once by {@link readSettings}: the rest of
 * config/ receives this object (or one of its sections), never the env.
 *
 * @example
 * const { provider, proxy } = readSettings(process.env, {});
 */
export interface Settings {
  /** Cookie, caches, WebSocket query token, allowed origins (CSRF): the kernel's settings. */
  readonly auth: Readonly<AuthSettings>;
  /** Upstream concurrency and queue, revocation memory. */
  readonly limits: Readonly<LimitSettings>;
  /** The shared (Redis) level; undefined: none (unset, or `redis: false`). */
  readonly redis: Readonly<RedisOptions> | undefined;
  /** The audience(s) logout tokens must carry. */
  readonly backchannelLogout: BackchannelLogoutSettings;
  /** `NODE_ENV=production`. */
  readonly production: boolean;
  /** This API as an OAuth protected resource; undefined without `AUTH_RESOURCE`. */
  readonly protectedResource: ProtectedResourceSettings | undefined;
  /** The validator the env asks for; undefined when the `validator` option is given. */
  readonly validator: ValidatorSettings | undefined;
  /** DPoP: the mode (also in `auth.dpop`), server nonces, how `htu`'s origin is read. */
  readonly dpop: Readonly<DpopSettings>;
}

/**
 * Which provider, and its settings section as its `readSection` read it (proxy settings, a JWT
 * preset's options…); custom adapters and `none` have none.
 *
 * @example
 * const { detection, section } = readSettings(process.env).validator ?? {};
 */
export interface ValidatorSettings {
  readonly detection: Readonly<ProviderDetection>;
  readonly section?: unknown;
}

/**
 * Reads every variable the SDK knows exactly once (typed options win over them), detects the
 * provider once, resolves its preset once, and returns one frozen {@link Settings}. Invalid
 * values throw a ConfigurationError naming the variable, or the option when set in code.
 *
 * @example
 * const settings = readSettings(process.env, { cacheTtlSeconds: 10 });
 * settings.auth.cacheTtlSeconds; // 10
 */
export function readSettings(env: Env, options: AuthOptions = {}): Settings {
  const vars = snapshotEnv(env);
  // The order is the order errors were always reported in: shared settings, Redis, validator.
  const dpop = Object.freeze(resolveDpopSettings(vars, options));
  const auth = Object.freeze({ ...readSettingsSection(vars, "shared", options), dpop: dpop.mode });
  const redis = resolveRedisOptions(vars, options.redis);
  const protectedResource = resolveProtectedResource(vars, options, dpop.mode);
  // The JWT section adds the resource to its audience check.
  const resource = protectedResource?.resource;
  const validator =
    options.validator === undefined ? readValidator(vars, { ...options, resource }) : undefined;
  const limits = Object.freeze(readSettingsSection(vars, "limits", options));
  const audience =
    options.backchannelLogout?.audience ??
    readOptionalSetting(vars, SETTINGS.backchannelLogoutAudience) ??
    readOptionalSetting(vars, SETTINGS.audience);
  return Object.freeze({
    auth,
    limits,
    redis: redis === undefined ? undefined : Object.freeze(redis),
    backchannelLogout: Object.freeze({ audience }),
    production: readOptionalSetting(vars, SETTINGS.nodeEnv) === "production",
    protectedResource,
    validator,
    dpop,
  });
}

function readValidator(vars: Env, options: AuthOptions): ValidatorSettings {
  const detection = Object.freeze(
    detectWithIssuers(detectProvider(vars), options, (name) => PRESETS.has(name)),
  );
  const section = builtInProvider(detection.provider)?.readSection(vars, options);
  if (section === undefined) return Object.freeze({ detection });
  return Object.freeze({ detection, section: Object.freeze(section) });
}
