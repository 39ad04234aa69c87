import type { FleetEvent, InvalidationTarget, RevocationTarget } from "./fleetEvents.js";
import type { TokenFacts } from "./TokenFacts.js";
import type { Verification } from "./types.js";

/**
 * How the pipeline asks the second level about one token.
 *
 * @example
 * const ask: FleetAsk = { spellingHash, share: true, firstSeenAt: undefined };
 */
export interface FleetAsk {
  /** sha256 of the token as spelled, when it differs from its identity hash. */
  spellingHash?: string;
  /**
   * Whether answers may be shared with other instances: only when the validator declares an
   * identity (everything that decides its answers), so two APIs on one Redis never serve each
   * other's answers. Revocation markers are read either way.
   */
  share?: boolean;
  /** When this process first saw the token (used when it carries no `iat`). */
  firstSeenAt?: number;
  /** How long the fleet remembers when it first saw a token without `iat`. */
  firstSeenTtlMs?: number;
}

/**
 * A second level's answer: the verification, its facts, and whether its revocation markers
 * could be read (`checked: false`: Redis did not answer; the pipeline decides what that means).
 *
 * @example
 * const { verification, facts, checked }: FleetAnswer = await fleet.verify(key, hash, call);
 */
export interface FleetAnswer {
  verification: Verification;
  facts: TokenFacts;
  checked: boolean;
}

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
    ask?: FleetAsk,
  ): Promise<FleetAnswer>;
  /** A shared permission answer, or undefined. */
  readGrant(cacheKey: string, permission: string, facts: TokenFacts): Promise<boolean | undefined>;
  /** Shares a permission answer (best effort). */
  storeGrant(
    cacheKey: string,
    permission: string,
    granted: boolean,
    expiresAt: number | undefined,
  ): void;
  /**
   * Applies a revocation here (through `onEvent`) and tells the fleet, its marker living `ttlMs`;
   * rejects if it could not.
   */
  revoke(target: RevocationTarget, ttlMs?: number): Promise<FleetEvent>;
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
  /** Whether the command and the subscriber connections are up (no round trip). */
  linkState(): { ready: boolean; subscribed: boolean };
  close(): Promise<void>;
}
