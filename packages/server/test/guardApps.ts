import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { type Context, Hono } from "hono";
import { afterAll, beforeAll } from "vitest";
import * as fa from "../src/bindings/fastify/index.js";
import type * as ho from "../src/bindings/hono/index.js";
import * as no from "../src/bindings/node/index.js";
import { type Auth, createAuth } from "../src/index.js";
import { JwtValidator } from "../src/validators/jwt/JwtValidator.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { listen } from "./listen.js";

/** Serves one binding's guarded app for `auth` on 127.0.0.1. */
export type StartApp = (auth: Auth) => Promise<AppUnderTest>;

/** What every guard is given: the instance under test. */
export type GuardOptions = { auth: Auth };

/** A node:http guard: resolves to the user, or throws the refusal `no.sendError` answers. */
export type NodeCheck = (req: IncomingMessage) => Promise<{ id: string | null }>;

/**
 * A test file's guarded routes, mounted by each binding's own helpers. Every route's handler is
 * `reply`, which answers `{ userId }`: what passed the guard.
 */
export interface GuardRoutes {
  express(app: express.Express, o: GuardOptions, reply: express.RequestHandler): void;
  fastify(
    app: FastifyInstance,
    o: GuardOptions,
    reply: (request: FastifyRequest) => Promise<{ userId: string | null | undefined }>,
  ): void;
  hono(app: Hono<ho.AuthEnv>, o: GuardOptions, reply: (c: Context<ho.AuthEnv>) => Response): void;
  /** Makes the node:http router: a request path's guard, or undefined for a 404. */
  node(o: GuardOptions): (path: string) => NodeCheck | undefined;
}

/**
 * The same guarded routes on Express, Fastify, Hono and node:http, by binding name.
 *
 * @example
 * for (const [name, start] of Object.entries(guardApps(routes))) describe(name, () => {});
 */
export function guardApps(
  routes: GuardRoutes,
): Record<"Express" | "Fastify" | "Hono" | "node:http", StartApp> {
  return {
    Express: (auth) => {
      const app = express();
      routes.express(app, { auth }, (req, res) => res.json({ userId: req.user?.id }));
      return listen(createServer(app));
    },
    Fastify: async (auth) => {
      const app = Fastify();
      await app.register(fa.authPlugin, { auth });
      routes.fastify(app, { auth }, async (request) => ({ userId: request.user?.id }));
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
    },
    Hono: (auth) => {
      const app = new Hono<ho.AuthEnv>();
      routes.hono(app, { auth }, (c) => c.json({ userId: c.get("user")?.id }));
      return listen(createServer(getRequestListener(app.fetch)));
    },
    "node:http": (auth) => {
      const route = routes.node({ auth });
      const handle = async (req: IncomingMessage, res: ServerResponse) => {
        const check = route(new URL(req.url ?? "/", "http://x").pathname);
        if (!check) return void res.writeHead(404).end();
        try {
          const user = await check(req);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ userId: user.id }));
        } catch (error) {
          no.sendError(res, error);
        }
      };
      return listen(createServer((req, res) => void handle(req, res)));
    },
  };
}

/**
 * In the calling `describe`: before its tests, serves `start`'s app for the instance
 * `makeAuth` makes; after them, closes both. The returned app's url is set once they run.
 *
 * @example
 * const app = serveGuardApp(start, () => localJwtAuth(idp.issuer, AUD));
 */
export function serveGuardApp(start: StartApp, makeAuth: () => Auth): AppUnderTest {
  let auth: Auth | undefined;
  let served: AppUnderTest | undefined;
  const app: AppUnderTest = { url: "", close: async () => served?.close() };
  beforeAll(async () => {
    auth = makeAuth();
    served = await start(auth);
    app.url = served.url;
  });
  afterAll(async () => {
    await served?.close();
    await auth?.close();
  });
  return app;
}

/**
 * An instance that verifies `issuer`'s JWTs locally (keys from its discovery), quietly.
 *
 * @example
 * const auth = localJwtAuth(idp.issuer, "orders-api");
 */
export function localJwtAuth(issuer: string, audience: string): Auth {
  return createAuth({
    env: {},
    validator: new JwtValidator({ issuer, audience }),
    logger: { warn() {} },
  });
}
