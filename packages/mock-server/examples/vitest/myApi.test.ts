import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AuthServerMode,
  type MockAuthKit,
  startMockAuth,
} from "@org/auth-mock-server/testing";
import { type Auth, createAuth } from "@org/auth-server";
import * as ex from "@org/auth-server/express";
import * as fa from "@org/auth-server/fastify";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Your API, built around the auth instance it is given: every helper gets `{ auth }`, guards
// included (without it a helper uses the instance built from process.env, not the test's).
function expressApp(auth: Auth) {
  const app = express();
  app.get("/v1/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ id: req.user?.id }));
  app.get("/v1/reports", ex.requirePermission("reports:read", { auth }), (_req, res) =>
    res.json({ reports: [] }),
  );
  app.get("/v1/admin", ex.requireRole("admin", { auth }), (_req, res) => res.json({ ok: true }));
  return app;
}

async function fastifyApp(auth: Auth) {
  const app = Fastify();
  await app.register(fa.authPlugin, { auth });
  app.get("/v1/me", { preHandler: fa.getCurrentUser({ auth }) }, async (request) => ({
    id: request.user?.id,
  }));
  app.get(
    "/v1/reports",
    { preHandler: fa.requirePermission("reports:read", { auth }) },
    async () => ({
      reports: [],
    }),
  );
  app.get("/v1/admin", { preHandler: fa.requireRole("admin", { auth }) }, async () => ({
    ok: true,
  }));
  return app;
}

/** Listens on 127.0.0.1, a free port; resolves to the base URL and a close(). */
async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const apps = {
  express: async (auth: Auth) => listen(createServer(expressApp(auth))),
  fastify: async (auth: Auth) => {
    const app = await fastifyApp(auth);
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
};

// The kit is the mock; `auth` is your API's instance, pointed at the mock by `kit.env(mode)`.
let kit: MockAuthKit;
beforeAll(async () => {
  kit = await startMockAuth({ permissions: ["reports:read"] });
});
afterAll(() => kit.close());

describe.each(["proxy", "jwt"] as AuthServerMode[])("my API, %s mode", (mode) => {
  describe.each(["express", "fastify"] as const)("on %s", (framework) => {
    let auth: Auth;
    let api: { url: string; close(): unknown };
    beforeAll(async () => {
      auth = createAuth({ env: kit.env(mode) });
      api = await apps[framework](auth);
    });
    afterAll(async () => {
      await api.close();
      await auth.close();
    });

    const get = async (path: string, token?: string) =>
      fetch(`${api.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    it("answers 401 without a token or with a bad one", async () => {
      expect((await get("/v1/me")).status).toBe(401);
      expect((await get("/v1/me", await kit.token({ bad: "expired" }))).status).toBe(401);
    });

    it("knows the user", async () => {
      const res = await get("/v1/me", await kit.token("mock-admin"));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: "mock-admin-id" });
    });

    it("checks permissions: granted 200, denied 403", async () => {
      // Proxy mode asks the mock (its `permissions`); JWT mode reads the token's claim.
      const granted = await kit.token({ claims: { permissions: ["reports:read"] } });
      expect((await get("/v1/reports", granted)).status).toBe(200);
      kit.setState({ permissions: [] });
      const denied = await kit.token({ claims: { permissions: [] } });
      expect((await get("/v1/reports", denied)).status).toBe(403);
      kit.reset();
    });

    it("checks roles: the admin persona 200, the viewer 403", async () => {
      expect((await get("/v1/admin", await kit.token("mock-admin"))).status).toBe(200);
      expect((await get("/v1/admin", await kit.token("mock-viewer"))).status).toBe(403);
    });
  });
});
