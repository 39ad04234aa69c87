import type { AuthLogger, SettingsOptions } from "../kernel/settings.js";
import type { TokenValidator } from "../kernel/types.js";
import type { RedisOptions } from "../redis/FleetCache.js";
import type { TelemetryOptions } from "../telemetry/openTelemetry.js";
import type { ProxyAuthClient } from "../validators/proxy/ProxyAuthClient.js";
import type { BackchannelLogoutOptions } from "./createBackchannelLogout.js";
import type { Env } from "./env.js";
import type { IssuersOptions } from "./IssuersOptions.js";
import type { DpopOptions } from "./resolveDpopSettings.js";
import type { ProtectedResourceOptions } from "./resolveProtectedResource.js";
import type { ProxyOptions } from "./resolveProxySettings.js";

/**
 * Options of {@link createAuth}: every env var has a typed option that wins over it.
 *
 * @example
 * const options: AuthOptions = { allowedHosts: ["app.example.com"], logger: console };
 * const auth = createAuth(options);
 */
export interface AuthOptions
  extends SettingsOptions,
    ProxyOptions,
    IssuersOptions,
    DpopOptions,
    ProtectedResourceOptions {
  /** A custom validator; default: the one the env asks for (proxy mode). */
  validator?: TokenValidator;
  /** Where settings are read from, once. Default `process.env`. */
  env?: Env;
  /** Receives start-up warnings and the detail of 5xx answers. Default `console`. */
  logger?: AuthLogger;
  /** A preconfigured proxy client (e.g. with its own undici dispatcher). */
  proxyClient?: ProxyAuthClient;
  /**
   * The shared (Redis) level of the cache and fleet-wide revocation; default from
   * `AUTH_REDIS_URL` / `AUTH_REDIS_PREFIX`; `false` turns it off whatever the env says.
   */
  redis?: RedisOptions | false;
  /** The OpenID back-channel logout endpoint (`backchannelLogout()` route helpers). */
  backchannelLogout?: BackchannelLogoutOptions;
  /**
   * OpenTelemetry metrics and spans (see the README's "Observability"). Default: on when
   * `@opentelemetry/api` is installed (recording once an SDK is registered); `false` turns it off.
   */
  telemetry?: TelemetryOptions | false;
}
