// One variant of the in-process bench (see inprocess.mjs): builds one app, injects requests
// without sockets, prints CPU µs per request. argv: <framework> <variant> <dist dir> <requests>.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startStandInProxy } from "./standInProxy.mjs";

const [framework, variant, dist, requestsArg] = process.argv.slice(2);
const REQUESTS = Number(requestsArg);
const WARMUP = Math.min(5_000, Math.ceil(REQUESTS / 2));
const TOKEN = "bench-token.abc_DEF-123";
const headers = { authorization: `Bearer ${TOKEN}`, host: "app.example.com" };
const load = (entry) => import(pathToFileURL(join(dist, `${entry}.js`)).href);

// A stand-in auth proxy: answers the one get-me; every measured request is a cache hit.
const proxy = await startStandInProxy();

const { createAuth } = await load("index");
const auth = createAuth({
  env: {},
  proxyUrlOverride: proxy.url,
  logger: { warn() {} },
});
const guarded = variant !== "none";

async function expressApp() {
  const { default: express } = await import("express");
  const { inject } = await import("light-my-request");
  const { getCurrentUser } = await load("express");
  const app = express();
  const handlers = guarded ? [getCurrentUser({ auth })] : [];
  app.get("/me", ...handlers, (req, res) => res.json({ id: req.user?.id ?? null }));
  return () => inject(app, { method: "GET", url: "/me", headers });
}

async function fastifyApp() {
  const { default: Fastify } = await import("fastify");
  const { getCurrentUser } = await load("fastify");
  const app = Fastify();
  app.decorateRequest("user", null);
  const options = guarded ? { preHandler: getCurrentUser({ auth }) } : {};
  app.get("/me", options, async (request) => ({ id: request.user?.id ?? null }));
  await app.ready();
  return () => app.inject({ method: "GET", url: "/me", headers });
}

async function honoApp() {
  const { Hono } = await import("hono");
  const { getCurrentUser } = await load("hono");
  const app = new Hono();
  const handlers = guarded ? [getCurrentUser({ auth })] : [];
  app.get("/me", ...handlers, (c) => c.json({ id: c.get("user")?.id ?? null }));
  return () => app.request("http://app.example.com/me", { headers });
}

async function nodeApp() {
  const { inject } = await import("light-my-request");
  const { getCurrentUser, sendError } = await load("node");
  const handler = guarded
    ? (req, res) =>
        getCurrentUser(req, { auth }).then(
          (user) => res.end(JSON.stringify({ id: user.id })),
          (error) => sendError(res, error),
        )
    : (_req, res) => res.end(JSON.stringify({ id: null }));
  return () => inject(handler, { method: "GET", url: "/me", headers });
}

const apps = { express: expressApp, fastify: fastifyApp, hono: honoApp, node: nodeApp };
const send = await apps[framework]();

async function run(count) {
  for (let i = 0; i < count; i++) {
    const res = await send();
    const status = res.status ?? res.statusCode;
    if (status !== 200) throw new Error(`${framework}/${variant}: answered ${status}`);
  }
}

await run(WARMUP);
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
await run(REQUESTS);
const used = process.cpuUsage(cpu);
const wallUs = Number(process.hrtime.bigint() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ cpuUs: (used.user + used.system) / REQUESTS, wallUs: wallUs / REQUESTS })}\n`,
);
await auth.close();
await proxy.close();
