import type { FleetEvent, InvalidationTarget, RevocationTarget } from "./fleetEvents.js";
import type { TokenFacts } from "./RevocationList.js";
import type { Verification } from "./types.js";

/**
 * The second level behind the in-process cache (Redis, for a fleet of instances): shared
 * answers, fleet-wide single flight, revocation and invalidation events. The kernel only knows
 * this seam; `AUTH_REDIS_URL` plugs the Redis implementation in.
 */
export interface FleetLevel {
  /**
   * The verification for a token missing from the in-process level: a shared answer or `call()`
   * once across the fleet; throws InvalidTokenError for a shared negative answer or a revoked token.
   */
  verify(
    cacheKey: string,
    tokenHash: string,
    call: () => Promise<Verification>,
    token: string,
  ): Promise<{ verification: Verification; facts: TokenFacts }>;
  /** A shared permission answer, or undefined. */
  readGrant(cacheKey: string, permission: string, facts: TokenFacts): Promise<boolean | undefined>;
  /** Shares a permission answer (best effort). */
  storeGrant(
    cacheKey: string,
    permission: string,
    granted: boolean,
    expiresAt: number | undefined,
  ): void;
  /** Applies a revocation here (through `onEvent`) and tells the fleet; rejects if it could not. */
  revoke(target: RevocationTarget): Promise<FleetEvent>;
  /** Applies an invalidation here (through `onEvent`) and tells the fleet. */
  invalidate(target: InvalidationTarget): Promise<FleetEvent>;
  /** Events from every instance, this one included. */
  onEvent(listener: (event: FleetEvent) => void): void;
  /** The subscription dropped or came back: events may have been missed. */
  onResync(listener: () => void): void;
  /**
   * True the first time `id` is seen fleet-wide within `ttlMs` (a logout token's replay check),
   * false afterwards; when the shared store cannot answer, this instance's memory decides.
   */
  firstSight(id: string, ttlMs: number): Promise<boolean>;
  /** Forgets `id` here and fleet-wide (best effort): what it guarded did not take effect. */
  forget(id: string): Promise<void>;
  close(): Promise<void>;
}
