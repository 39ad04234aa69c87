import type { Auth } from "../../kernel/Auth.js";
import type { RequestAuthState } from "../../kernel/RequestAuthState.js";
import { WS_CLOSE_REVOKED } from "./constants.js";

/**
 * The part of a WebSocket that {@link UpgradeResult.watch} uses: `ws`'s (Node), a Web
 * `WebSocket` (Deno's `Deno.upgradeWebSocket`), or anything with `close` (Bun's).
 *
 * @example
 * wss.handleUpgrade(req, socket, head, (ws: WatchedSocket) => result.watch(ws));
 */
export interface WatchedSocket {
  /** Closes the socket with a code (4001 / 4003) and a short reason. */
  close(code: number, reason: string): void;
  /** Node style (`ws`): registers the listener that stops the watch once the socket has closed. */
  once?(event: "close", listener: () => void): unknown;
  /** Web style (`WebSocket`): the same through the event target. */
  addEventListener?(type: "close", listener: () => void, options?: { once?: boolean }): void;
}

/**
 * Closes `socket` when the admitted token's session ends (4003 revoked, 4001 expired) and stops
 * watching when the socket closes, whichever runtime's socket it is: `ws`'s `once`, a Web
 * `WebSocket`'s `addEventListener`, or neither (Bun's: the caller stops it).
 *
 * @example
 * const stop = watchSocket(auth, admitted, ws);
 */
export function watchSocket(
  auth: Auth,
  admitted: RequestAuthState | undefined,
  socket: WatchedSocket,
): () => void {
  // Auth disabled: the runner skips the guard, there is no session to watch.
  if (admitted === undefined) return () => {};
  const stop = auth.watch(admitted, (code) =>
    socket.close(code, code === WS_CLOSE_REVOKED ? "session revoked" : "token expired"),
  );
  if (typeof socket.once === "function") socket.once("close", stop);
  else socket.addEventListener?.("close", stop, { once: true });
  return stop;
}
