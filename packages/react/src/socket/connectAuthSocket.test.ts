// @vitest-environment node
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type WebSocket as ServerSocket, WebSocketServer, WebSocket as WS } from "ws";
import { AuthClientError } from "../core/AuthClientError";
import { type AuthSocket, type AuthSocketOptions, connectAuthSocket } from "./connectAuthSocket";

/** One connection the server saw: the subprotocols offered, when, and how it ended. */
interface Seen {
  protocols: string[];
  url: string;
  at: number;
  socket: ServerSocket;
  closedWith?: number;
}

let server: WebSocketServer;
let url: string;
let seen: Seen[];
/** What the server does with the n-th connection (0-based). */
let onConnection: (socket: ServerSocket, n: number) => void;
const sockets: AuthSocket[] = [];

beforeEach(async () => {
  seen = [];
  onConnection = () => {};
  server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => (offered.has("oxa-auth") ? "oxa-auth" : false),
  });
  await new Promise((resolve) => server.once("listening", resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  server.on("connection", (socket, req) => {
    const entry: Seen = {
      protocols: String(req.headers["sec-websocket-protocol"]).split(/,\s*/),
      url: req.url ?? "",
      at: Date.now(),
      socket,
    };
    socket.on("close", (code) => {
      entry.closedWith = code;
    });
    seen.push(entry);
    onConnection(socket, seen.length - 1);
  });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

/** A session handing out `tokens` in turn: the first as the current token, the next on renewal. */
function session(tokens: Array<string | null>) {
  let index = 0;
  let token = tokens[0] ?? null;
  const listeners = new Set<() => void>();
  return {
    renewed: [] as string[],
    getAccessToken: vi.fn(async () => token),
    async renewToken(rejected: string) {
      this.renewed.push(rejected);
      token = tokens[++index] ?? null;
      return token;
    },
    allowedUrl: (u: string | URL) => (String(u).startsWith(url.slice(0, -3)) ? String(u) : null),
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => ({ token }),
    signOut() {
      token = null;
      for (const listener of listeners) listener();
    },
  };
}

function connect(client: ReturnType<typeof session>, options: Partial<AuthSocketOptions> = {}) {
  const socket = connectAuthSocket(url, {
    client,
    WebSocket: WS as unknown as AuthSocketOptions["WebSocket"],
    minDelayMs: 20,
    maxDelayMs: 80,
    ...options,
  });
  sockets.push(socket);
  return socket;
}

const bearer = (s: Seen | undefined) => s?.protocols.find((p) => p.startsWith("oxa-auth.bearer."));

describe("connectAuthSocket against a real ws server", () => {
  it("carries the token in the subprotocol (never the URL), with the extra protocols after it", async () => {
    const messages: string[] = [];
    onConnection = (socket) => socket.send("hello");
    const live = connect(session(["t1"]), {
      protocols: ["chat.v1"],
      onMessage: (event) => messages.push(String(event.data)),
    });
    await vi.waitFor(() => expect(live.state).toBe("open"));
    expect(seen[0]?.protocols).toEqual(["oxa-auth", "oxa-auth.bearer.t1", "chat.v1"]);
    expect(seen[0]?.url).toBe("/ws");
    await vi.waitFor(() => expect(messages).toEqual(["hello"]));
    const got = new Promise((resolve) =>
      seen[0]?.socket.once("message", (d) => resolve(String(d))),
    );
    expect(live.send("ping")).toBe(true);
    expect(await got).toBe("ping");
  });

  it("close 4001 (token expired): reconnects with a renewed token, not the expired one", async () => {
    onConnection = (socket, n) => {
      if (n === 0) socket.close(4001, "token expired");
    };
    const client = session(["t1", "t2"]);
    const reconnecting: boolean[] = [];
    const live = connect(client, { onClose: (_, again) => reconnecting.push(again) });
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    await vi.waitFor(() => expect(live.state).toBe("open"));
    expect(bearer(seen[0])).toBe("oxa-auth.bearer.t1");
    expect(bearer(seen[1])).toBe("oxa-auth.bearer.t2");
    expect(client.renewed).toEqual(["t1"]);
    expect(reconnecting).toEqual([true]);
  });

  it("close 4001 when the session cannot be renewed: stops, signed out", async () => {
    onConnection = (socket) => socket.close(4001, "token expired");
    const live = connect(session(["t1", null]));
    await vi.waitFor(() => expect(live.state).toBe("closed"));
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toHaveLength(1);
  });

  it.each([
    [4003, "revoked"],
    [1000, "normal close"],
  ])("close %i (%s): stops for good", async (code) => {
    onConnection = (socket) => socket.close(code);
    const reconnecting: boolean[] = [];
    const live = connect(session(["t1", "t2"]), {
      onClose: (_, again) => reconnecting.push(again),
    });
    await vi.waitFor(() => expect(live.state).toBe("closed"));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(1);
    expect(reconnecting).toEqual([false]);
  });

  it("sign-out closes the socket (1000) and nothing reconnects", async () => {
    const client = session(["t1"]);
    const live = connect(client);
    await vi.waitFor(() => expect(live.state).toBe("open"));
    client.signOut();
    expect(live.state).toBe("closed");
    await vi.waitFor(() => expect(seen[0]?.closedWith).toBe(1000));
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toHaveLength(1);
  });

  it("close() stops for good; a session without a token never connects", async () => {
    const live = connect(session(["t1"]));
    await vi.waitFor(() => expect(live.state).toBe("open"));
    live.close();
    await vi.waitFor(() => expect(seen[0]?.closedWith).toBe(1000));
    const none = connect(session([null]));
    await vi.waitFor(() => expect(none.state).toBe("closed"));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1);
    expect(none.send("x")).toBe(false);
  });

  /** The reconnect delays the socket asks for (the only timers it sets), with `Math.random()` = `r`. */
  function reconnectDelays(r: number): number[] {
    vi.spyOn(Math, "random").mockReturnValue(r);
    const real = globalThis.setTimeout;
    const delays: number[] = [];
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      // Not reconnects: vi.waitFor's 7 ms polls below, and ws's 30 s closing-handshake timer.
      if (ms !== 7 && ms !== 30_000) delays.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);
    return delays;
  }

  it("failures back off exponentially from minDelayMs, capped at maxDelayMs, asking for the token each time", async () => {
    onConnection = (socket) => socket.close(1011, "server error");
    const delays = reconnectDelays(0.999_999);
    const client = session(["t1"]);
    const live = connect(client, { minDelayMs: 20, maxDelayMs: 80 });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(6), {
      timeout: 5_000,
      interval: 7,
    });
    live.close();
    vi.restoreAllMocks();
    expect(delays.slice(0, 5).map(Math.round)).toEqual([20, 40, 80, 80, 80]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(80);
    expect(client.getAccessToken.mock.calls.length).toBeGreaterThanOrEqual(seen.length);
  });

  it("the jitter spreads each delay over the upper half of its step", async () => {
    onConnection = (socket) => socket.close(1011, "server error");
    const delays = reconnectDelays(0);
    const live = connect(session(["t1"]), { minDelayMs: 20, maxDelayMs: 80 });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(4), {
      timeout: 5_000,
      interval: 7,
    });
    live.close();
    vi.restoreAllMocks();
    expect(delays.slice(0, 3)).toEqual([10, 20, 40]);
  });

  it("an unreachable server is retried with the same bounded backoff, until close()", async () => {
    await new Promise((resolve) => server.close(resolve));
    let attempts = 0;
    class Counting extends WS {
      constructor(address: string, protocols: string[]) {
        super(address, protocols);
        attempts++;
      }
    }
    const started = Date.now();
    const live = connect(session(["t1"]), {
      WebSocket: Counting as unknown as AuthSocketOptions["WebSocket"],
    });
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(4), { timeout: 5_000 });
    // Delays of at least 10, 20, 40, 40… ms: never more attempts than that allows.
    const elapsed = Date.now() - started;
    expect(attempts).toBeLessThanOrEqual(1 + Math.floor((elapsed + 40) / 10));
    expect(live.state).toBe("connecting");
    live.close();
    const after = attempts;
    await new Promise((r) => setTimeout(r, 150));
    expect(attempts).toBe(after);
    expect(live.state).toBe("closed");
  });

  it("refuses a URL whose origin may not receive the token, before connecting", () => {
    const client = { ...session(["t1"]), allowedUrl: () => null };
    expect(() => connectAuthSocket("wss://evil.example/ws", { client })).toThrow(AuthClientError);
    expect(client.getAccessToken).not.toHaveBeenCalled();
  });
});
