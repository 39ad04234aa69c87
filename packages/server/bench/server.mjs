// A bench server: `node server.mjs <express|fastify|node> <mode>[,<mode>…]`, one app and port per
// mode in this one process, using the built dist and zero-config auth from env. Every mode loads
// and configures the SDK the same way (a real app has it loaded for its public routes too); same
// route and body in every mode. Modes:
// - `none`: no auth on the route;
// - `auth`: the SDK's getCurrentUser on the route (proxy mode, cache hit);
// - `floor`: the least any auth must do on that framework: read the Authorization header through
//   the framework's API, then attach a user (Express middleware, Fastify preHandler) or answer
//   after a promise hop (node:http, whose API is async);
// - `floor-sha256`: floor plus the sha256 of scope and token that the issue mandates as cache key.
import { hash } from "node:crypto";
import { createServer } from "node:http";

const [framework, modes] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: "world" });
const FLOOR_USER = Object.freeze({ id: "bench-user" });
const SCOPE = process.env.OXAIGEN_AUTH_PROXY_URL_OVERRIDE ?? "";

/** The floor modes' "validation": a constant user when a header was sent. */
function floorUser(mode, authorization) {
  if (authorization === undefined) return null;
  if (mode === "floor-sha256") hash("sha256", `${SCOPE}\n${authorization}`, "binary");
  return FLOOR_USER;
}

async function express(mode) {
  const { default: createApp } = await import("express");
  const { getCurrentUser } = await import("@org/auth-server/express");
  const app = createApp();
  const handler = (_req, res) => {
    res.type("application/json").send(BODY);
  };
  const guard = getCurrentUser();
  const floor = (req, _res, next) => {
    req.user = floorUser(mode, req.headers.authorization);
    next();
  };
  if (mode === "auth") app.get("/hello", guard, handler);
  else if (mode.startsWith("floor")) app.get("/hello", floor, handler);
  else app.get("/hello", handler);
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

async function fastify(mode) {
  const { default: Fastify } = await import("fastify");
  const { authPlugin, getCurrentUser } = await import("@org/auth-server/fastify");
  const app = Fastify();
  // Guard-only, like the other frameworks: the plugin just decorates request.user / authError.
  await app.register(authPlugin, { validateEveryRequest: false });
  const handler = (_request, reply) => {
    reply.type("application/json").send(BODY);
  };
  const guard = getCurrentUser();
  const floor = (request, _reply, done) => {
    request.user = floorUser(mode, request.headers.authorization);
    done();
  };
  if (mode === "auth") app.get("/hello", { preHandler: guard }, handler);
  else if (mode.startsWith("floor")) app.get("/hello", { preHandler: floor }, handler);
  else app.get("/hello", handler);
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app.server.address().port;
}

async function node(mode) {
  const { getDefaultAuth } = await import("@org/auth-server");
  const { getCurrentUser, sendError } = await import("@org/auth-server/node");
  getDefaultAuth();
  const reply = (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(BODY);
  };
  const auth = (req, res) => {
    getCurrentUser(req).then(
      () => reply(res),
      (error) => sendError(res, error),
    );
  };
  const floor = (req, res) => {
    Promise.resolve(floorUser(mode, req.headers.authorization)).then(() => reply(res));
  };
  const none = (_req, res) => reply(res);
  const server = createServer(mode === "auth" ? auth : mode.startsWith("floor") ? floor : none);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

const start = { express, fastify, node }[framework];
if (start === undefined) throw new Error(`unknown framework ${framework}`);
process.on("SIGINT", () => process.exit(0));
const ports = {};
for (const mode of modes.split(",")) ports[mode] = await start(mode);
process.send({ ports });
// CPU time the server spent, so the bench can report a load-independent cost per request.
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
