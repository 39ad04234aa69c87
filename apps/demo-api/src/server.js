import { createServer } from "node:http";
import cors from "cors";
import express from "express";
import { WebSocketServer } from "ws";
import { createAuthBinding } from "./auth.js";

const WS_MAX_PAYLOAD_BYTES = 4096;

/**
 * Build the demo API: an Express 5 app plus a `ws` server sharing one `node:http` server.
 * Auth settings come from the environment (`OXAIGEN_AUTH_DEV_MODE=1`, or `AUTH_PROVIDER=jwt` …).
 * @param {{ webOrigins: string[] }} options
 * @example
 * const api = createDemoApi({ webOrigins: ["http://localhost:5173"] });
 * api.server.listen(8000, "127.0.0.1");
 */
export function createDemoApi(options) {
  const auth = createAuthBinding();
  const app = express();
  app.disable("x-powered-by");
  app.use(
    cors({
      origin: options.webOrigins,
      credentials: true,
      allowedHeaders: ["Authorization", "Content-Type"],
      methods: ["GET", "POST", "OPTIONS"],
      maxAge: 600,
    }),
  );
  app.use(auth.middleware);

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/v1/me", auth.requireUser, (req, res) => {
    res.json({ user: auth.userOf(req) });
  });
  app.get("/v1/maybe-public", auth.optionalUser, (req, res) => {
    const user = auth.userOf(req);
    res.json(user ? { signed_in: true, email: user.email ?? null } : { signed_in: false });
  });
  app.get("/v1/audit", auth.requirePermission("audit"), (req, res) => {
    const user = auth.userOf(req);
    res.json({ audit: "granted", user_id: user?.id ?? null, checked_at: new Date().toISOString() });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: "not_found", message: "No such route on the demo API." });
  });
  app.use(auth.errorHandler);

  const server = createServer(app);
  const wss = createSocketServer();
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    auth.authenticateUpgrade(req).then(
      ({ user, protocol }) => {
        selectedProtocols.set(req, protocol);
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, user));
      },
      (error) => auth.rejectUpgrade(socket, error),
    );
  });

  return {
    app,
    server,
    /** Stop accepting connections, close sockets and the auth client. */
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await auth.close();
    },
  };
}

/** The subprotocol the auth check selected, per upgrade request (never the token entry). */
const selectedProtocols = new WeakMap();

function createSocketServer() {
  return new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    // Answer with the plain `oxa-auth` marker, never with the `oxa-auth.bearer.<token>` entry.
    handleProtocols: (_protocols, req) => selectedProtocols.get(req) ?? false,
  });
}

/**
 * @param {import("ws").WebSocket} ws
 * @param {{ id?: string | null } | null | undefined} user
 */
function onConnection(ws, user) {
  ws.send(JSON.stringify({ type: "hello", user_id: user?.id ?? null }));
  ws.on("message", (data, isBinary) => {
    if (isBinary) {
      ws.send(JSON.stringify({ type: "error", message: "Send text messages." }));
      return;
    }
    ws.send(JSON.stringify({ type: "echo", data: data.toString("utf8") }));
  });
}
