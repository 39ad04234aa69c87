import { createServer } from "node:http";
import cors from "cors";
import express from "express";
import { WebSocketServer } from "ws";
import { createAuthBinding } from "./auth.js";

const WS_MAX_PAYLOAD_BYTES = 4096;

/**
 * Build the demo API: an Express 5 app plus a `ws` server sharing one `node:http` server.
 * Auth settings come from the environment (`OXAIGEN_AUTH_DEV_MODE=1`, or `AUTH_PROVIDER=jwt` …).
 * @param {{ webOrigins: string[], env?: NodeJS.ProcessEnv, stepUpMaxAgeSeconds?: number }} options
 * @example
 * const api = createDemoApi({ webOrigins: ["http://localhost:5173"] });
 * api.server.listen(8000, "127.0.0.1");
 */
export function createDemoApi(options) {
  const auth = createAuthBinding(options.env ?? process.env);
  const app = express();
  app.disable("x-powered-by");
  app.use(
    cors({
      origin: options.webOrigins,
      credentials: true,
      allowedHeaders: ["Authorization", "Content-Type", "DPoP"],
      // The step-up challenge (acr_values, max_age) and a DPoP server's nonce are readable by the web app.
      exposedHeaders: ["WWW-Authenticate", "DPoP-Nonce"],
      methods: ["GET", "POST", "OPTIONS"],
      maxAge: 600,
    }),
  );
  app.use(auth.middleware);

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/v1/me", auth.requireUser, (req, res) => {
    res.json({ user: req.user });
  });
  app.get("/v1/maybe-public", auth.optionalUser, (req, res) => {
    const user = req.user;
    res.json(user ? { signed_in: true, email: user.email ?? null } : { signed_in: false });
  });
  app.get("/v1/audit", auth.requirePermission("audit"), (req, res) => {
    res.json({ audit: "granted", user_id: req.user?.id ?? null, at: new Date().toISOString() });
  });
  // The dangerous action: only after a multi-factor sign-in of the last few minutes (step-up).
  const recentMfa = { acr: ["mfa"], maxAge: options.stepUpMaxAgeSeconds ?? 300 };
  app.post("/v1/workspace/delete", auth.requireAuthLevel(recentMfa), (req, res) => {
    res.json({ deleted: "demo-workspace", by: req.user?.id ?? null });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: "not_found", message: "No such route on the demo API." });
  });
  app.use(errorHandler);

  const server = createServer(app);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    handleProtocols: auth.selectWsProtocol,
  });
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    if (pathOf(req.url) !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    auth.authenticateUpgrade(req).then(
      ({ user, watch }) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          // Closes the socket with 4001 when its token expires, 4003 when its session is revoked.
          watch(ws);
          onConnection(ws, user);
        });
      },
      (error) => auth.rejectUpgrade(socket, error),
    );
  });

  return {
    app,
    server,
    /** Resolves once the auth client's shared cache (Redis, when configured) is attached. */
    ready: () => auth.ready(),
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

/** @param {string | undefined} url */
function pathOf(url) {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

/** @type {import("express").ErrorRequestHandler} */
function errorHandler(error, _req, res, next) {
  if (res.headersSent) return next(error);
  // Bad JSON bodies and the like are the client's fault; everything else is ours (never echo it).
  const status = typeof error?.status === "number" && error.status < 500 ? error.status : 500;
  if (status === 500) console.error("demo-api: unexpected error:", error?.name ?? typeof error);
  res.status(status).json({
    error: status === 500 ? "internal_error" : "bad_request",
    message: status === 500 ? "Unexpected error in the demo API." : "The request was malformed.",
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
