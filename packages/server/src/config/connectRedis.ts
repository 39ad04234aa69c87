import type { Auth } from "../kernel/Auth.js";
import type { AuthSettings, LimitSettings } from "../kernel/settings.js";
import type { RedisOptions } from "../redis/FleetCache.js";

/**
 * Starts connecting the shared level; requests do not wait for it (`auth.ready()` does). The
 * Redis code, and node-redis itself, are loaded only here.
 */
export function connectRedis(
  auth: Auth,
  options: RedisOptions,
  settings: AuthSettings & LimitSettings,
): void {
  const ttls = {
    ttlMs: settings.cacheTtlSeconds * 1000,
    negativeTtlMs: settings.negativeCacheTtlSeconds * 1000,
    revocationTtlMs: settings.revocationTtlSeconds * 1000,
  };
  auth.attachFleet(
    import("../redis/FleetCache.js").then(({ FleetCache }) =>
      FleetCache.open(options, ttls, auth.logger, auth.revocations),
    ),
  );
}
