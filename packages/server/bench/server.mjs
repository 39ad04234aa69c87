// A bench server: `node server.mjs <express|fastify|node> <mode>[,<mode>…]`, one app and port per
// mode in this one process, using the built dist and zero-config auth from env. Modes: `none` (no
// auth), `auth` (the SDK's getCurrentUser on the route) and `floor` (the least any auth must do on
// that framework: Express / Fastify attach a constant user to the request, node:http reads the
// header and answers after a promise hop). Every mode loads and configures the SDK the same way (a
// real app has it loaded for its public routes too). Same route and body in every mode.
import { createServer } from "node:http";

const [framework, modes] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: "world" });
const FLOOR_USER = Object.freeze({ id: "bench-user" });

async function express(mode) {
  const { default: createApp } = await import("express");
  const { getCurrentUser } = await import("@org/auth-server/express");
  const app = createApp();
  const handler = (_req, res) => {
    res.type("application/json").send(BODY);
  };
  const guard = getCurrentUser();
  const floor = (req, _res, next) => {
    req.user = FLOOR_USER;
    next();
  };
  if (mode === "auth") app.get("/hello", guard, handler);
  else if (mode === "floor") app.get("/hello", floor, handler);
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
    request.user = FLOOR_USER;
    done();
  };
  if (mode === "auth") app.get("/hello", { preHandler: guard }, handler);
  else if (mode === "floor") app.get("/hello", { preHandler: floor }, handler);
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
  const handlers = {
    none: (_req, res) => reply(res),
    auth: (req, res) => {
      getCurrentUser(req).then(
        () => reply(res),
        (error) => sendError(res, error),
      );
    },
    floor: (req, res) => {
      Promise.resolve(req.headers.authorization).then(() => reply(res));
    },
  };
  const server = createServer(handlers[mode]);
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
