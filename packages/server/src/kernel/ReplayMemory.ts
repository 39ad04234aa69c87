import { LRUCache } from "lru-cache";
import type { FleetLevel } from "./FleetLevel.js";

/** Ids remembered in-process for their replay check (per instance, without Redis). */
const SEEN_ONCE_MAX = 10_000;

/**
 * "Have we seen this id before?" for one-time tokens (a logout token's `iss` + `jti`):
 * fleet-wide with Redis (`SET NX PX` under its prefix), else in this process.
 *
 * @example
 * if (!(await replays.firstSight(`${iss} ${jti}`, ttlMs, fleet))) refuse("replayed");
 */
export class ReplayMemory {
  private seenOnce: LRUCache<string, true> | undefined;

  /** True the first time `id` is seen within `ttlMs`. */
  async firstSight(id: string, ttlMs: number, fleet: FleetLevel | undefined): Promise<boolean> {
    if (fleet !== undefined) return fleet.firstSight(id, ttlMs);
    this.seenOnce ??= new LRUCache<string, true>({ max: SEEN_ONCE_MAX });
    if (this.seenOnce.has(id)) return false;
    this.seenOnce.set(id, true, { ttl: Math.max(1, ttlMs) });
    return true;
  }

  /** Forgets `id`: what its first sight guarded did not take effect. */
  async forget(id: string, fleet: FleetLevel | undefined): Promise<void> {
    if (fleet !== undefined) await fleet.forget(id);
    this.seenOnce?.delete(id);
  }
}
