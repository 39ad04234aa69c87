import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the stand-in answers; tests flip it to simulate outages and bad bodies. */
export type ProxyMode =
  | "normal"
  | "status500"
  | "permission500"
  | "hang"
  | "notJson"
  | "array"
  | "notAuthenticated";

/** A real node:http server on 127.0.0.1:0 speaking the proxy contract of docs/contracts.md. */
export interface StandInProxy {
  url: string;
  /** Requests received, by endpoint. */
  calls: { getMe: number; permission: number };
  /** The most requests it was answering at once (to check the SDK bounds its upstream calls). */
  maxInFlight: number;
  /** Authorization headers received (to check forwarding; never printed). */
  authorizations: string[];
  mode: ProxyMode;
  /** Delay before answering, in ms. */
  delayMs: number;
  /** While set, every answer waits for this promise (a test releases them when it is ready). */
  hold?: Promise<void>;
  /** token → get-me body; tokens not listed get 401. */
  users: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** A user body shaped like the mock server's, with the given permissions. */
export function userBody(id: string, permissions: string[] = []): Record<string, unknown> {
  return {
    id,
    user_name: `user-${id}`,
    email: `${id}@example.com`,
    account_type: "internal",
    enabled: true,
    workspace: { id: "ws-1", name: "Workspace" },
    workspace_roles: [{ name: "member" }],
    workspace_permissions: permissions.map((name) => ({ name })),
    is_authenticated: true,
    brand_new_field: { kept: true },
  };
}

export async function startStandInProxy(
  users: Record<string, Record<string, unknown>> = {},
): Promise<StandInProxy> {
  const sockets = new Set<import("node:net").Socket>();
  const proxy: StandInProxy = {
    url: "",
    calls: { getMe: 0, permission: 0 },
    maxInFlight: 0,
    authorizations: [],
    mode: "normal",
    delayMs: 0,
    users: new Map(Object.entries(users)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? "";
    proxy.authorizations.push(auth);
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const body = proxy.users.get(token);
    const url = req.url ?? "";
    const isGetMe = req.method === "GET" && url === "/_oxa_auth/get-me";
    const permission = /^\/_oxa_auth\/test-app-permission\/([A-Za-z0-9_-]+)$/.exec(url);
    if (isGetMe) proxy.calls.getMe += 1;
    else if (permission !== null && req.method === "POST") proxy.calls.permission += 1;
    else return void res.writeHead(404).end();
    if (proxy.mode === "hang") return;
    if (proxy.mode === "status500") return void res.writeHead(500).end("boom");
    if (body === undefined) return void res.writeHead(401).end('{"detail":"unauthenticated"}');
    if (isGetMe) {
      const json =
        proxy.mode === "notJson"
          ? "<html>"
          : proxy.mode === "array"
            ? "[]"
            : JSON.stringify(
                proxy.mode === "notAuthenticated" ? { ...body, is_authenticated: false } : body,
              );
      return void res.writeHead(200, { "content-type": "application/json" }).end(json);
    }
    if (proxy.mode === "permission500") return void res.writeHead(500).end("boom");
    const granted = (body.workspace_permissions as Array<{ name: string }>).some(
      (entry) => entry.name === permission?.[1],
    );
    res.writeHead(granted ? 200 : 403).end();
  };
  let inFlight = 0;
  const server = createServer((req, res) => {
    proxy.maxInFlight = Math.max(proxy.maxInFlight, ++inFlight);
    res.on("close", () => inFlight--);
    const held = proxy.hold;
    if (held !== undefined) void held.then(() => answer(req, res));
    else if (proxy.delayMs > 0) setTimeout(() => answer(req, res), proxy.delayMs);
    else answer(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
