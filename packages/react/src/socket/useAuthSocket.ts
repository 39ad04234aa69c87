import { useCallback, useEffect, useRef, useState } from "react";
import { useAccessToken, useAuthClient } from "../index";
import {
  type AuthSocket,
  type AuthSocketOptions,
  type AuthSocketState,
  connectAuthSocket,
} from "./connectAuthSocket";

/**
 * Options of {@link useAuthSocket}: those of `connectAuthSocket` but the client (the provider's).
 * The callbacks may change on every render; the latest ones are called.
 *
 * @example
 * const options: UseAuthSocketOptions = { onMessage: (event) => setLast(String(event.data)) };
 */
export interface UseAuthSocketOptions {
  /** More subprotocols to offer, after the two that carry the token. */
  protocols?: readonly string[];
  /** Every message of every connection. */
  onMessage?: (event: MessageEvent) => void;
  /** Each time a connection opens (`socket.protocol` is `oxa-auth` with `@org/auth-server`). */
  onOpen?: (socket: WebSocket) => void;
  /** Each close; `reconnecting` says whether another connection follows. */
  onClose?: (event: CloseEvent, reconnecting: boolean) => void;
  /** First reconnect delay after a failure (ms). Default 500. */
  minDelayMs?: number;
  /** The longest reconnect delay (ms). Default 30 000. */
  maxDelayMs?: number;
  /** The WebSocket class. Default: the global one. */
  WebSocket?: AuthSocketOptions["WebSocket"];
}

/**
 * What {@link useAuthSocket} returns.
 *
 * @example
 * const { state, send, reconnect }: UseAuthSocketResult = useAuthSocket(url);
 */
export interface UseAuthSocketResult {
  /** `idle` while signed out (or without a URL), else the socket's state. */
  state: AuthSocketState | "idle";
  /** Sends on the open connection; false (nothing sent) while there is none. */
  send: (data: string | ArrayBufferLike | Blob | ArrayBufferView) => boolean;
  /** Closes the connection and opens a new one (with a fresh token). */
  reconnect: () => void;
}

/**
 * A WebSocket to `url` that carries the signed-in user's token and keeps itself connected: opened
 * on sign-in, reconnected with a fresh token after the server's 4001 (token expired) and with
 * backoff after failures, closed for good on 4003 (revoked), a normal close, and sign-out. Pass
 * null as `url` to keep it closed.
 *
 * @example
 * function Feed() {
 *   const [items, setItems] = useState<string[]>([]);
 *   const { state, send } = useAuthSocket("wss://api.example.com/ws", {
 *     onMessage: (event) => setItems((list) => [...list, String(event.data)]),
 *   });
 *   useOnSignOut(() => setItems([]));
 *   return <button disabled={state !== "open"} onClick={() => send("ping")}>Ping</button>;
 * }
 */
export function useAuthSocket(
  url: string | null,
  options: UseAuthSocketOptions = {},
): UseAuthSocketResult {
  const client = useAuthClient();
  // A boolean: a refreshed token re-renders, but keeps the connection.
  const signedIn = useAccessToken() !== null;
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const live = useRef<AuthSocket | null>(null);
  const [state, setState] = useState<UseAuthSocketResult["state"]>("idle");
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` asks for a new connection
  useEffect(() => {
    if (!url || !signedIn) {
      setState("idle");
      return;
    }
    const { protocols, minDelayMs, maxDelayMs, WebSocket } = latest.current;
    setState("connecting");
    const socket = connectAuthSocket(url, {
      client,
      protocols,
      minDelayMs,
      maxDelayMs,
      WebSocket,
      onStateChange: setState,
      onMessage: (event) => latest.current.onMessage?.(event),
      onOpen: (ws) => latest.current.onOpen?.(ws),
      onClose: (event, reconnecting) => latest.current.onClose?.(event, reconnecting),
    });
    live.current = socket;
    return () => {
      socket.close();
      if (live.current === socket) live.current = null;
    };
  }, [url, signedIn, client, generation]);

  const send = useCallback<UseAuthSocketResult["send"]>(
    (data) => live.current?.send(data) ?? false,
    [],
  );
  const reconnect = useCallback(() => setGeneration((n) => n + 1), []);
  return { state, send, reconnect };
}
