import { createServer } from "node:http";
import { startMockServer } from "@org/auth-mock-server";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { listen } from "./listen.js";
import { CLIENT, type OidcProvider, startOidcProvider } from "./startOidcProvider.js";

const RS = "https://api.example/rs";
const ES = "https://api.example/es";
const OTHER = "https://other.example/api";
function startApi(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  const o = { auth };
  app.get("/me", ex.getCurrentUser(o), (req, res) =>
    res.json({ id: req.user?.id, provider: req.user?.provider, scopes: req.user?.scopes }),
  );
  app.get("/write", ex.requireScope("write", o), (_req, res) => res.json({ ok: true }));
  app.get("/internal", ex.requireInternal({ allowedClients: [CLIENT.id], ...o }), (_req, res) =>
    res.json({ ok: true }),
  );
  app.get("/audit", ex.requirePermission("read", o), (_req, res) => res.json({ ok: true }));
  return listen(createServer(app));
}

describe("interop: oidc-provider → Express binding (local JWT, discovery from env)", () => {
  let op: OidcProvider;
  let api: AppUnderTest;
  let auth: Auth;

  beforeAll(async () => {
    // oidc-provider prints development notices; keep the test output clean.
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    op = await startOidcProvider({
      keys: [
        { alg: "RS256", kid: "RS256-key" },
        { alg: "ES256", kid: "ES256-key" },
      ],
      scopes: ["read", "write"],
      defaultResource: RS,
      signingAlg: (resource) => (resource === ES ? "ES256" : "RS256"),
    });
    auth = createAuth({
      env: { AUTH_ISSUER: op.issuer, AUTH_AUDIENCE: `${RS},${ES}` },
      logger: { warn() {} },
    });
    expect(auth.validator.name).toBe("jwt");
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    await op.close();
    vi.restoreAllMocks();
  });

  const get = (path: string, token: string) =>
    fetch(api.url + path, { headers: { authorization: `Bearer ${token}` } });

  it.each([
    ["RS256", RS],
    ["ES256", ES],
  ])(
    "accepts %s JWT access tokens (client credentials + resource indicator)",
    async (alg, resource) => {
      const token = await op.token(resource);
      expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).alg).toBe(alg);
      const res = await get("/me", token);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: CLIENT.id, provider: "jwt", scopes: ["read"] });
      // The client requested the "read" scope; a scope is not a permission by default (the
      // provider issues what clients ask for), so requirePermission("read") refuses it.
      expect((await get("/audit", token)).status).toBe(403);
    },
  );

  it("enforces scopes and accepts the app-only token on internal routes", async () => {
    const readOnly = await op.token(RS, { scope: "read" });
    expect((await get("/write", readOnly)).status).toBe(403);
    const readWrite = await op.token(ES, { scope: "read write" });
    expect((await get("/write", readWrite)).status).toBe(200);
    expect((await get("/internal", readWrite)).status).toBe(200);
  });

  it("refuses a token minted for another resource (audience), and a tampered one", async () => {
    const foreign = await op.token(OTHER);
    const res = await get("/me", foreign);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const token = await op.token(RS);
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: "read write" })).toString("base64url")}.${s}`;
    expect((await get("/write", forged)).status).toBe(401);
  });
});

describe("interop: @org/auth-mock-server tokens → Express binding", () => {
  it("validates the mock's ES256 tokens through its discovery + JWKS", async () => {
    const mock = await startMockServer({ host: "127.0.0.1", port: 0, signingKeyFile: null });
    const auth = createAuth({
      env: { AUTH_PROVIDER: "jwt", OIDC_ISSUER: mock.url, AUTH_AUDIENCE: "oxaigen-mock" },
      logger: { warn() {} },
    });
    const api = await startApi(auth);
    try {
      const token = await mock.mock.createAccessToken();
      const res = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; provider: string };
      expect(body.id).toBe(mock.getState().userId);
      const expired = await mock.mock.createAccessToken({ expiresIn: -120 });
      const stale = await fetch(`${api.url}/me`, {
        headers: { authorization: `Bearer ${expired}` },
      });
      expect(stale.status).toBe(401);
    } finally {
      await api.close();
      await auth.close();
      await mock.close();
    }
  });
});
