import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as fa from "../src/bindings/fastify/index.js";
import * as ho from "../src/bindings/hono/index.js";
import * as no from "../src/bindings/node/index.js";
import { guardApps, localJwtAuth, type NodeCheck, serveGuardApp } from "./guardApps.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";

const AUD = "orders-api";
const BINDING = { appId: true, userId: true } as const;
const INTERNAL = { allowedClients: ["svc"] };

const APPS = guardApps({
  express: (app, o, reply) => {
    app.get("/me", ex.getCurrentUser(o), reply);
    app.get("/audit", ex.requirePermission("audit", o), reply);
    app.get("/admin", ex.requireRole("admin", o), reply);
    app.get("/staff", ex.requireAnyRole(["admin", "staff"], o), reply);
    app.get("/orders", ex.requireScope("orders:write", o), reply);
    app.get("/internal", ex.requireInternal({ ...INTERNAL, ...o }), reply);
    app.get("/apps/:appId/users/:userId", ex.requireBinding(BINDING, o), reply);
    // Mounted with app.use: Express hides the route's :appId from the guard.
    app.use("/mounted", ex.requireBinding({ appId: true }, o));
    app.get("/mounted/apps/:appId", reply);
  },
  fastify: (app, o, reply) => {
    app.get("/me", { preHandler: fa.getCurrentUser(o) }, reply);
    app.get("/audit", { preHandler: fa.requirePermission("audit", o) }, reply);
    app.get("/admin", { preHandler: fa.requireRole("admin", o) }, reply);
    app.get("/staff", { preHandler: fa.requireAnyRole(["admin", "staff"], o) }, reply);
    app.get("/orders", { preHandler: fa.requireScope("orders:write", o) }, reply);
    app.get("/internal", { preHandler: fa.requireInternal({ ...INTERNAL, ...o }) }, reply);
    app.get("/apps/:appId/users/:userId", { preHandler: fa.requireBinding(BINDING, o) }, reply);
    // A route that names its parameter differently.
    app.get("/mounted/apps/:id", { preHandler: fa.requireBinding({ appId: true }, o) }, reply);
  },
  hono: (app, o, reply) => {
    // Mounted with app.use: Hono hides the route's :appId from the guard.
    app.use("/mounted/*", ho.requireBinding({ appId: true }, o));
    app.get("/me", ho.getCurrentUser(o), reply);
    app.get("/audit", ho.requirePermission("audit", o), reply);
    app.get("/admin", ho.requireRole("admin", o), reply);
    app.get("/staff", ho.requireAnyRole(["admin", "staff"], o), reply);
    app.get("/orders", ho.requireScope("orders:write", o), reply);
    app.get("/internal", ho.requireInternal({ ...INTERNAL, ...o }), reply);
    app.get("/apps/:appId/users/:userId", ho.requireBinding(BINDING, o), reply);
    app.get("/mounted/apps/:appId", reply);
  },
  node: (o) => {
    const checks: Record<string, NodeCheck> = {
      "/me": (req) => no.getCurrentUser(req, o),
      "/audit": no.requirePermission("audit", o),
      "/admin": no.requireRole("admin", o),
      "/staff": no.requireAnyRole(["admin", "staff"], o),
      "/orders": no.requireScope("orders:write", o),
      "/internal": no.requireInternal({ ...INTERNAL, ...o }),
      // The caller forgot to pass the path parameters.
      "/mounted/apps/victim": no.requireBinding({ appId: true }, o),
    };
    const bound = no.requireBinding(BINDING, o);
    return (path) => {
      const match = /^\/apps\/([^/]+)\/users\/([^/]+)$/.exec(path);
      return match
        ? (req) =>
            bound(req, {
              appId: decodeURIComponent(match[1]!),
              userId: decodeURIComponent(match[2]!),
            })
        : checks[path];
    };
  },
});

let key: FixtureKey;
let idp: FakeIdp;
beforeAll(async () => {
  key = await makeKey("ES256", "guards");
  idp = await startFakeIdp([key]);
});
afterAll(() => idp.close());

for (const [name, start] of Object.entries(APPS)) {
  describe(`${name} binding: guards in local JWT mode`, () => {
    const app = serveGuardApp(start, () => localJwtAuth(idp.issuer, AUD));

    const token = (claims: Record<string, unknown>) =>
      signToken(key, { iss: idp.issuer, aud: AUD, ...claims });
    const call = async (path: string, claims?: Record<string, unknown>, headers = {}) => {
      const auth: Record<string, string> =
        claims === undefined ? {} : { authorization: `Bearer ${await token(claims)}` };
      const res = await fetch(app.url + path, { headers: { ...auth, ...headers } });
      return {
        status: res.status,
        body: await res.json(),
        challenge: res.headers.get("www-authenticate"),
      };
    };

    it("getCurrentUser / requirePermission work unchanged with JWT users", async () => {
      expect(await call("/me", { sub: "u1" })).toMatchObject({
        status: 200,
        body: { userId: "u1" },
      });
      expect((await call("/me")).status).toBe(401);
      expect((await call("/audit", { sub: "u1", permissions: ["audit"] })).status).toBe(200);
      const denied = await call("/audit", { sub: "u1", permissions: ["read"] });
      expect(denied.status).toBe(403);
      expect(denied.challenge).toContain('error="insufficient_scope"');
    });

    it("an expired token is a 401 invalid_token", async () => {
      const res = await call("/me", { exp: Math.floor(Date.now() / 1000) - 3600 });
      expect(res.status).toBe(401);
      expect(res.challenge).toBe('Bearer error="invalid_token"');
    });

    it("requireRole and requireAnyRole", async () => {
      expect((await call("/admin", { roles: ["admin"] })).status).toBe(200);
      expect((await call("/admin", { roles: ["staff"] })).status).toBe(403);
      expect((await call("/admin")).status).toBe(401);
      expect((await call("/staff", { roles: ["staff"] })).status).toBe(200);
      expect((await call("/staff", { roles: ["guest"] })).status).toBe(403);
    });

    it("requireScope reads scope and scp", async () => {
      expect((await call("/orders", { scope: "openid orders:write" })).status).toBe(200);
      expect((await call("/orders", { scp: ["orders:write"] })).status).toBe(200);
      const res = await call("/orders", { scope: "orders:read" });
      expect(res.status).toBe(403);
      expect(res.challenge).toContain('scope="orders:write"');
    });

    it("requireInternal: app-only tokens from allow-listed clients only", async () => {
      const app = { sub: "svc", client_id: "svc", scope: "internal" };
      expect((await call("/internal", app)).status).toBe(200);
      expect((await call("/internal", { sub: "other", client_id: "other" })).status).toBe(403);
      // A user's token issued to the same client is not app-only.
      expect((await call("/internal", { sub: "svc", client_id: "svc", sid: "s-1" })).status).toBe(
        403,
      );
      const keycloakUser = { sub: "u", azp: "svc", preferred_username: "service-account-svc" };
      expect((await call("/internal", { ...keycloakUser, session_state: "s" })).status).toBe(403);
      expect((await call("/internal", { sub: "user-7", azp: "svc" })).status).toBe(403);
      expect((await call("/internal", { ...app, scope: "openid internal" })).status).toBe(403);
      expect((await call("/internal")).status).toBe(401);
    });

    it("requireBinding: path app id / user id must match the token", async () => {
      const claims = { sub: "u1", app_id: "app-1" };
      expect((await call("/apps/app-1/users/u1", claims)).status).toBe(200);
      expect((await call("/apps/app-2/users/u1", claims)).status).toBe(403);
      expect((await call("/apps/app-1/users/u2", claims)).status).toBe(403);
      expect((await call("/apps/app-1/users/u1", { sub: "u1" })).status).toBe(403);
      expect(
        (await call("/apps/app-1/users/u1", { sub: "u1", app_id: ["app-0", "app-1"] })).status,
      ).toBe(200);
      // Headers are not a default source: the path is authoritative.
      const withHeader = await call("/apps/app-1/users/u1", claims, { "x-app-id": "app-2" });
      expect(withHeader.status).toBe(200);
      expect((await call("/apps/app-1/users/u1")).status).toBe(401);
    });

    it("requireBinding without the route parameter fails closed (the header is no fallback)", async () => {
      const attacker = { sub: "u1", app_id: "mine" };
      const res = await call("/mounted/apps/victim", attacker, { "x-app-id": "mine" });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ error: "configuration_error" });
      expect(JSON.stringify(res.body)).not.toContain("victim");
    });
  });
}
