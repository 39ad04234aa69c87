import type { FleetEvent } from "./fleetEvents.js";
import type { RequestAuthState } from "./RequestAuthState.js";
import { eventMatches, peekClaims } from "./RevocationList.js";
import type { TokenFacts } from "./TokenFacts.js";

/** A watched WebSocket session: its token's facts and how to end it. */
interface Watcher {
  facts: TokenFacts;
  onEnd: (code: 4001 | 4003) => void;
  stop: () => void;
}

/** The longest delay `setTimeout` takes (about 24.8 days); later expiries wait that long first. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The WebSocket sessions an instance watches: each ends with 4003 when a revocation covers its
 * token and with 4001 when the token expires.
 *
 * @example
 * const stop = watchers.watch(state, facts, (code) => ws.close(code));
 * watchers.revoked(event, toleranceMs); // ends the sessions the event covers
 */
export class SocketWatchers {
  private readonly watchers = new Set<Watcher>();

  /** Starts watching; returns the function that stops (call it when the socket closes). */
  watch(state: RequestAuthState, facts: TokenFacts, onEnd: (code: 4001 | 4003) => void) {
    const watcher: Watcher = { facts, onEnd, stop: () => {} };
    this.watchers.add(watcher);
    const expiresAt = state.verification?.expiresAt ?? peekExpiry(state.token);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (expiresAt !== undefined) {
      const delay = Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS);
      timer = setTimeout(() => {
        stop();
        onEnd(4001);
      }, delay);
      timer.unref?.();
    }
    const stop = () => {
      this.watchers.delete(watcher);
      if (timer !== undefined) clearTimeout(timer);
    };
    watcher.stop = stop;
    return stop;
  }

  /** Ends the watched sessions a revocation covers. */
  revoked(event: FleetEvent, toleranceMs: number): void {
    if (event.type !== "revoke") return;
    for (const watcher of [...this.watchers]) {
      if (eventMatches(event, watcher.facts, toleranceMs)) {
        watcher.stop();
        watcher.onEnd(4003);
      }
    }
  }

  /** Stops every watch without ending its socket (the instance is closing). */
  stopAll(): void {
    for (const watcher of this.watchers) watcher.stop();
  }
}

/** A JWT-shaped token's `exp` in epoch ms (for closing sockets on time), or undefined. */
function peekExpiry(token: string | null): number | undefined {
  const exp = token === null ? undefined : peekClaims(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
