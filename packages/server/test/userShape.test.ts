import {
  type AuthServerMode,
  type MockAuthKit,
  startMockAuth,
} from "@org/auth-mock-server/testing";
import { USER_KEYS } from "@org/auth-user";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as fa from "../src/bindings/fastify/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { listen } from "./listen.js";

// The README's own pattern, `res.json(req.user)`, over real HTTP against the mock in each mode:
// the body must have one shape whatever validated the token, and never carry the raw token.

type Body = Record<string, unknown>;

async function startExpress(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  app.get("/v1/me", ex.getCurrentUser({ auth }), (req: ex.AuthRequest, res) => {
    res.json(req.user);
  });
  app.get("/v1/members", ex.requirePermission("member", { auth }), (_req, res) => {
    res.json({ ok: true });
  });
  return listen(app.listen(0, "127.0.0.1"));
}

async function startFastify(auth: Auth): Promise<AppUnderTest> {
  const app = Fastify();
  await app.register(fa.authPlugin, { auth });
  app.get("/v1/me", { preHandler: fa.getCurrentUser({ auth }) }, async (request) => request.user);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

const FRAMEWORKS = { express: startExpress, fastify: startFastify };
const MODES: AuthServerMode[] = ["proxy", "jwt"];

/** The payload of a JWT, read without checking it (the test's own token). */
function payloadOf(token: string): Body {
  const part = token.split(".")[1] as string;
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Body;
}

describe("one user shape in every mode, over HTTP", () => {
  let kit: MockAuthKit;
  const apps: AppUnderTest[] = [];
  const auths: Auth[] = [];

  beforeAll(async () => {
    kit = await startMockAuth();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const auth of auths) await auth.close();
    await kit.close();
  });

  async function meIn(mode: AuthServerMode | "none", framework: keyof typeof FRAMEWORKS) {
    const env = mode === "none" ? { AUTH_PROVIDER: "none" } : kit.env(mode);
    const auth = createAuth({ env, logger: { warn: () => undefined, error: () => undefined } });
    auths.push(auth);
    const app = await FRAMEWORKS[framework](auth);
    apps.push(app);
    const token = await kit.token("mock-user");
    const res = await fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    return { text, body: JSON.parse(text) as Body, token, app };
  }

  for (const framework of Object.keys(FRAMEWORKS) as Array<keyof typeof FRAMEWORKS>) {
    it(`${framework}: proxy and JWT mode send the same keys, every User field, no raw claims`, async () => {
      const seen: Record<string, Body> = {};
      for (const mode of MODES) {
        const { text, body, token } = await meIn(mode, framework);
        seen[mode] = body;
        expect(Object.keys(body).sort(), mode).toEqual([...USER_KEYS].sort());
        // The token's own claims stay on the server: no `claims`, no session or token id.
        const { sid, jti } = payloadOf(token);
        expect(
          typeof sid === "string" && typeof jti === "string",
          "the mock mints sid and jti",
        ).toBe(true);
        expect(text, mode).not.toContain(sid as string);
        expect(text, mode).not.toContain(jti as string);
        expect(body, mode).not.toHaveProperty("claims");
        expect(typeof body.id, mode).toBe("string");
      }
      const [proxy, jwt] = [seen.proxy as Body, seen.jwt as Body];
      expect(Object.keys(jwt)).toEqual(Object.keys(proxy));
      // The same person in both modes: same id and lists; roles are not permissions.
      for (const key of ["id", "userName", "email", "roles", "permissions"]) {
        expect(jwt[key], key).toEqual(proxy[key]);
      }
      for (const role of jwt.roles as string[]) {
        expect(jwt.permissions as string[]).not.toContain(role);
      }
      // What JWT mode cannot know is null, never missing.
      expect(jwt).toMatchObject({ accountType: null, enabled: null, provider: "jwt" });
    });
  }

  it("AUTH_PROVIDER=none: the anonymous user has the same keys (profile null)", async () => {
    const { body } = await meIn("none", "express");
    expect(Object.keys(body).sort()).toEqual([...USER_KEYS].sort());
    expect(body).toMatchObject({ id: null, isAnonymous: true, isAuthenticated: false });
  });

  it("JWT mode: a role still passes requirePermission (the check consults roles, the list does not)", async () => {
    const { app, body } = await meIn("jwt", "express");
    expect(body.roles).toContain("member");
    expect(body.permissions).not.toContain("member");
    const res = await fetch(`${app.url}/v1/members`, {
      headers: { authorization: `Bearer ${await kit.token("mock-user")}` },
    });
    expect(res.status).toBe(200);
  });
});
