import { AuthClientError, authWebSocketProtocols, type Dpop } from "../index";

/**
 * The close code of `@org/auth-server`'s socket watch when the token expired: the socket
 * reconnects with a renewed token.
 *
 * @example
 * onClose: (event) => event.code === WS_CLOSE_TOKEN_EXPIRED && console.debug("token renewed")
 */
export const WS_CLOSE_TOKEN_EXPIRED = 4001;

/**
 * The close code of `@org/auth-server`'s socket watch when the session was revoked (signed out
 * elsewhere): the socket stops for good.
 *
 * @example
 * onClose: (event) => event.code === WS_CLOSE_REVOKED && showToast("Signed out elsewhere")
 */
export const WS_CLOSE_REVOKED = 4003;
const NORMAL = 1000;
/** A connection open this long was healthy: the backoff starts over after it closes. */
const STABLE_MS = 5_000;

/**
 * What {@link connectAuthSocket} needs from a session: an `AuthClient` is one.
 *
 * @example
 * const session: AuthSocketSession = client; // new AuthClient(…), or useAuthClient()
 * connectAuthSocket("wss://api.example.com/ws", { client: session });
 */
export interface AuthSocketSession {
  /** A token to connect with, or null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** A token newer than `rejected` (the server said it expired), or null when the session is over. */
  renewToken(rejected: string): Promise<string | null>;
  /** `url` made absolute when its origin may receive the token, else null. */
  allowedUrl(url: string | URL): string | null;
  /** Subscribes to session changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The current session: a null `token` means signed out. */
  getSnapshot(): { token: string | null };
  /** The session's DPoP side, null without DPoP: the upgrade then carries a proof. */
  dpop?(): Promise<Pick<Dpop, "proof"> | null>;
}

/**
 * Where an {@link AuthSocket} stands: `connecting` (also while it waits to reconnect), `open`, or
 * `closed` for good (signed out, revoked, closed normally, or by `close()`).
 *
 * @example
 * const LABELS: Record<AuthSocketState, string> = {
 *   connecting: "Connecting…",
 *   open: "Live",
 *   closed: "Offline",
 * };
 */
export type AuthSocketState = "connecting" | "open" | "closed";

/**
 * Options of {@link connectAuthSocket}.
 *
 * @example
 * const options: AuthSocketOptions = {
 *   client,
 *   onMessage: (event) => console.log(event.data),
 *   maxDelayMs: 10_000,
 * };
 */
export interface AuthSocketOptions {
  /** The session whose token the socket carries (an `AuthClient`). */
  client: AuthSocketSession;
  /** More subprotocols to offer, after the two that carry the token. */
  protocols?: readonly string[];
  /** Every message of every connection. */
  onMessage?: (event: MessageEvent) => void;
  /** Each time a connection opens (`socket.protocol` is `oxa-auth` with `@org/auth-server`). */
  onOpen?: (socket: WebSocket) => void;
  /** Each close; `reconnecting` says whether another connection follows. */
  onClose?: (event: CloseEvent, reconnecting: boolean) => void;
  /** Each change of {@link AuthSocketState}. */
  onStateChange?: (state: AuthSocketState) => void;
  /** First reconnect delay after a failure (ms), doubled per failure, with jitter. Default 500. */
  minDelayMs?: number;
  /** The longest reconnect delay (ms). Default 30 000. */
  maxDelayMs?: number;
  /** The WebSocket class. Default: the global one (in Node, pass `ws`'s). */
  WebSocket?: new (
    url: string,
    protocols: string[],
  ) => WebSocket;
}

/**
 * A socket that keeps itself connected with a fresh token. See {@link connectAuthSocket}.
 *
 * @example
 * const live: AuthSocket = connectAuthSocket(url, { client });
 * if (live.state === "open") live.send("ping");
 * live.close();
 */
export interface AuthSocket {
  /** Sends on the open connection; false (nothing sent) while there is none. */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): boolean;
  /** Closes for good (code 1000): no reconnect. */
  close(): void;
  readonly state: AuthSocketState;
}

/**
 * Opens a WebSocket that carries the session's token in the `oxa-auth.bearer.<token>` subprotocol
 * (never in the URL; a DPoP session adds its proof in `oxa-auth.dpop.<proof>`) and keeps it connected: after the server's close 4001 (token expired) it
 * reconnects with a renewed token; after a failure (network, server restart, any other close) it
 * reconnects with exponential backoff and jitter (from `minDelayMs`, doubled per failure, capped
 * at `maxDelayMs`; a connection that stayed open 5 s starts it over); it stops for good on 4003
 * (session revoked), on a normal close (1000), on sign-out, and on `close()`. Each attempt asks
 * the session for its current token. Throws an `invalid_argument` `AuthClientError`
 * when `url`'s origin may not receive the token.
 *
 * @example
 * const live = connectAuthSocket("wss://api.example.com/ws", {
 *   client, // an AuthClient
 *   onMessage: (event) => render(JSON.parse(event.data)),
 * });
 * button.onclick = () => live.send("hello");
 */
export function connectAuthSocket(url: string | URL, options: AuthSocketOptions): AuthSocket {
  const { client, minDelayMs = 500, maxDelayMs = 30_000 } = options;
  const checked = client.allowedUrl(url);
  if (!checked) {
    throw new AuthClientError(
      "invalid_argument",
      `${url} is not an allowed API origin: add its origin to apiOrigins.`,
    );
  }
  const target = checked.replace(/^http/, "ws");
  const Socket = options.WebSocket ?? WebSocket;
  let state: AuthSocketState = "connecting";
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let openedAt = 0;
  /** The token the server said expired: the next attempt needs a newer one. */
  let expired: string | null = null;

  // A function, so TypeScript does not narrow `state` across the awaits that may change it.
  const closed = () => state === "closed";
  const setState = (next: AuthSocketState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };
  const stop = () => {
    clearTimeout(timer);
    unsubscribe();
    setState("closed");
    const open = socket;
    socket = null;
    if (open && open.readyState <= 1) open.close(NORMAL);
  };
  const unsubscribe = client.subscribe(() => {
    if (!client.getSnapshot().token) stop();
  });

  // A token the subprotocol cannot carry ends the socket (authWebSocketProtocols throws).
  const run = () => void connect().catch(stop);
  const connect = async () => {
    const token = await (expired ? client.renewToken(expired) : client.getAccessToken()).catch(
      () => undefined,
    );
    if (state === "closed") return;
    // Signed out: nothing to reconnect with. A failed refresh: try again later.
    if (token === null) return stop();
    if (token === undefined) return retry();
    // A DPoP session's proof rides in one more entry (the upgrade cannot carry a header).
    const proof = await client
      .dpop?.()
      .then((dpop) => dpop?.proof("GET", target, token))
      .catch(() => false as const);
    if (closed()) return;
    if (proof === false) return retry();
    const ws = new Socket(target, [
      ...authWebSocketProtocols(token),
      ...(proof ? [`oxa-auth.dpop.${proof}`] : []),
      ...(options.protocols ?? []),
    ]);
    socket = ws;
    ws.onopen = () => {
      openedAt = Date.now();
      expired = null;
      setState("open");
      options.onOpen?.(ws);
    };
    ws.onmessage = (event) => options.onMessage?.(event);
    // A close event follows every error: the reconnect is decided there.
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      const final = event.code === NORMAL || event.code === WS_CLOSE_REVOKED;
      options.onClose?.(event, !final);
      if (final) return stop();
      if (event.code === WS_CLOSE_TOKEN_EXPIRED) expired = token;
      if (openedAt && Date.now() - openedAt >= STABLE_MS) failures = 0;
      openedAt = 0;
      retry();
    };
  };
  const retry = () => {
    setState("connecting");
    // Full jitter over the upper half: clients dropped together do not come back together.
    const cap = Math.min(maxDelayMs, minDelayMs * 2 ** failures++);
    timer = setTimeout(run, cap / 2 + Math.random() * (cap / 2));
  };

  run();
  return {
    send(data) {
      if (socket?.readyState !== 1) return false;
      socket.send(data);
      return true;
    },
    close: stop,
    get state() {
      return state;
    },
  };
}
