import type { Auth } from "../kernel/Auth.js";
import type { AuthSettings, LimitSettings } from "../kernel/settings.js";
import type { RedisOptions } from "../redis/FleetCache.js";

/** How long `auth.ready()` waits for Redis to answer at start-up before serving alone. */
export const REDIS_CONNECT_WAIT_MS = 2000;

/**
 * Starts connecting the shared level; requests do not wait for it (`auth.ready()` does, for up
 * to {@link REDIS_CONNECT_WAIT_MS}). The Redis code, and node-redis itself, are loaded only here.
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
    import("../redis/FleetCache.js").then(async ({ FleetCache }) => {
      const fleet = await FleetCache.open(
        options,
        ttls,
        auth.logger,
        auth.revocations,
        Date.now,
        auth.telemetry,
      );
      await fleet.connected(REDIS_CONNECT_WAIT_MS);
      return fleet;
    }),
  );
}
