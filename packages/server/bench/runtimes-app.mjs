// One server of the runtimes benchmark, run as it is on Node, Bun or Deno:
// `<runtime> runtimes-app.mjs <none|auth>`. A Hono app with one route, GET /hello, bare (`none`)
// or behind the SDK's getCurrentUser (`auth`, proxy or JWT mode from the env). It loads the built
// package the way the runtime resolves it (`bun`/`deno` export conditions pick the web platform)
// and serves with the runtime's own server. Prints `LISTENING <port>` once it listens.
import { getCurrentUser } from "@org/auth-server/hono";
import { Hono } from "hono";

const deno = globalThis.Deno;
const bun = globalThis.Bun;
const variant = deno ? deno.args[0] : process.argv[2];
const BODY = JSON.stringify({ hello: "world" });

// Both variants load and configure the SDK, so the ratio is the guard's cost on the route.
const guard = getCurrentUser();
const app = new Hono();
const handler = (c) => c.body(BODY, 200, { "content-type": "application/json" });
if (variant === "auth") app.get("/hello", guard, handler);
else if (variant === "none") app.get("/hello", handler);
else throw new Error(`unknown variant ${variant}: use none or auth`);

const listening = (port) => console.log(`LISTENING ${port}`);
if (deno) {
  deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening(port) },
    app.fetch,
  );
} else if (bun) {
  listening(bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch }).port);
} else {
  const { serve } = await import("@hono/node-server");
  serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, ({ port }) => listening(port));
}
