import type { AuthSettings, LimitSettings } from "../kernel/settings.js";
import type { RedisOptions } from "../redis/FleetCache.js";
import type { ProxySettings } from "../validators/proxy/ProxySettings.js";
import type { AuthOptions } from "./AuthOptions.js";
import type { BackchannelLogoutSettings } from "./createBackchannelLogout.js";
import { type Env, readEnv, readList, snapshotEnv } from "./env.js";
import { detectProvider, type ProviderDetection } from "./presets/detectProvider.js";
import { type EnvJwtSettings, jwtOptionsFromEnv } from "./presets/jwtOptionsFromEnv.js";
import { PRESETS } from "./presets/presets.js";
import { resolveProxySettings } from "./resolveProxySettings.js";
import { resolveRedisOptions } from "./resolveRedisOptions.js";
import { resolveLimits, resolveSettings } from "./resolveSettings.js";

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
  /** The validator the env asks for; undefined when the `validator` option is given. */
  readonly validator: ValidatorSettings | undefined;
}

/**
 * Which validator, and its section: proxy settings in proxy mode, the JWT validator's options
 * (preset defaults under the `AUTH_*` variables) for a preset; adapters and `none` need none.
 *
 * @example
 * if (settings.validator?.proxy) createProxyValidator(settings.validator.proxy);
 */
export interface ValidatorSettings {
  readonly detection: Readonly<ProviderDetection>;
  readonly proxy?: Readonly<ProxySettings>;
  readonly jwt?: Readonly<EnvJwtSettings>;
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
  const auth = Object.freeze(resolveSettings(vars, options));
  const redis = resolveRedisOptions(vars, options.redis);
  const validator = options.validator === undefined ? readValidator(vars, options) : undefined;
  const limits = Object.freeze(resolveLimits(vars, options));
  const audience =
    options.backchannelLogout?.audience ??
    readList(vars, "AUTH_BACKCHANNEL_LOGOUT_AUDIENCE") ??
    readList(vars, "AUTH_AUDIENCE");
  return Object.freeze({
    auth,
    limits,
    redis: redis === undefined ? undefined : Object.freeze(redis),
    backchannelLogout: Object.freeze({ audience }),
    production: readEnv(vars, "NODE_ENV") === "production",
    validator,
  });
}

function readValidator(vars: Env, options: AuthOptions): ValidatorSettings {
  const detection = Object.freeze(detectProvider(vars));
  const { provider } = detection;
  if (provider === "proxy") {
    return Object.freeze({ detection, proxy: Object.freeze(resolveProxySettings(vars, options)) });
  }
  const preset = PRESETS.get(provider);
  if (preset === undefined) return Object.freeze({ detection });
  const jwt = Object.freeze(jwtOptionsFromEnv(vars, provider, preset.defaults(vars)));
  return Object.freeze({ detection, jwt });
}
