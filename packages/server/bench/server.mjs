// A bench server: `node server.mjs <express|fastify|node> <none|auth>[,<none|auth>…]`, one app and
// port per mode in this one process, using the built dist and zero-config auth from env. Both modes load and configure the SDK the same way (a real app has
// it loaded for its public routes too); only the auth mode puts the guard on the route. Same
// route and body in every variant.
import { createServer } from "node:http";

const [framework, modes] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: "world" });

async function express(withAuth) {
  const { default: createApp } = await import("express");
  const { getCurrentUser } = await import("@org/auth-server/express");
  const app = createApp();
  const handler = (_req, res) => {
    res.type("application/json").send(BODY);
  };
  const guard = getCurrentUser();
  if (withAuth) app.get("/hello", guard, handler);
  else app.get("/hello", handler);
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

async function fastify(withAuth) {
  const { default: Fastify } = await import("fastify");
  const { authPlugin, getCurrentUser } = await import("@org/auth-server/fastify");
  const app = Fastify();
  // Guard-only, like the other frameworks: the plugin just decorates request.user / authError.
  await app.register(authPlugin, { validateEveryRequest: false });
  const handler = (_request, reply) => {
    reply.type("application/json").send(BODY);
  };
  const guard = getCurrentUser();
  if (withAuth) app.get("/hello", { preHandler: guard }, handler);
  else app.get("/hello", handler);
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app.server.address().port;
}

async function node(withAuth) {
  const { getDefaultAuth } = await import("@org/auth-server");
  const { getCurrentUser, sendError } = await import("@org/auth-server/node");
  getDefaultAuth();
  const reply = (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(BODY);
  };
  const server = createServer(
    withAuth
      ? (req, res) => {
          getCurrentUser(req).then(
            () => reply(res),
            (error) => sendError(res, error),
          );
        }
      : (_req, res) => reply(res),
  );
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

const start = { express, fastify, node }[framework];
if (start === undefined) throw new Error(`unknown framework ${framework}`);
process.on("SIGINT", () => process.exit(0));
const ports = {};
for (const mode of modes.split(",")) ports[mode] = await start(mode === "auth");
process.send({ ports });
// CPU time the server spent, so the bench can report a load-independent cost per request.
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
