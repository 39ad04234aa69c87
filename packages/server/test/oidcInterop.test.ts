import { createServer, type Server } from "node:http";
import { startMockServer } from "@org/auth-mock-server";
import express from "express";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type ResourceServer } from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { listen } from "./listen.js";

const RS = "https://api.example/rs";
const ES = "https://api.example/es";
const OTHER = "https://other.example/api";
const CLIENT = { id: "svc", secret: "svc-secret-0123456789-0123456789" };

/** A real, certified OpenID provider (oidc-provider) on 127.0.0.1, issuing JWT access tokens. */
async function startOidcProvider(): Promise<{ issuer: string; server: Server }> {
  const keys = [];
  for (const alg of ["RS256", "ES256"] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid: `${alg}-key`, alg, use: "sig" });
  }
  const server = createServer();
  const app = await listen(server);
  const provider = new Provider(app.url, {
    jwks: { keys },
    scopes: ["read", "write"],
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: "read write",
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RS,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string): ResourceServer => ({
          scope: "read write",
          audience: indicator,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: indicator === ES ? "ES256" : "RS256" } },
        }),
      },
    },
    ttl: { ClientCredentials: 300 },
  });
  server.on("request", provider.callback());
  return { issuer: app.url, server };
}

async function clientCredentials(issuer: string, resource: string, scope = "read") {
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

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
  let op: { issuer: string; server: Server };
  let api: AppUnderTest;
  let auth: Auth;

  beforeAll(async () => {
    // oidc-provider prints development notices; keep the test output clean.
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    op = await startOidcProvider();
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
    op.server.closeAllConnections();
    op.server.close();
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
      const token = await clientCredentials(op.issuer, resource);
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
    const readOnly = await clientCredentials(op.issuer, RS, "read");
    expect((await get("/write", readOnly)).status).toBe(403);
    const readWrite = await clientCredentials(op.issuer, ES, "read write");
    expect((await get("/write", readWrite)).status).toBe(200);
    expect((await get("/internal", readWrite)).status).toBe(200);
  });

  it("refuses a token minted for another resource (audience), and a tampered one", async () => {
    const foreign = await clientCredentials(op.issuer, OTHER);
    const res = await get("/me", foreign);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const token = await clientCredentials(op.issuer, RS);
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
