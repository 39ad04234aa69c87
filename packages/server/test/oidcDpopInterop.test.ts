import { createServer, type Server } from "node:http";
import express from "express";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type ResourceServer } from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { makeProofKey, type ProofKey, signProof } from "./dpopFixtures.js";
import { listen } from "./listen.js";

const RS = "https://api.example/orders";
const CLIENT = { id: "svc", secret: "svc-secret-0123456789-0123456789" };

/** oidc-provider with DPoP on, issuing JWT access tokens bound to the client's proof key. */
async function startDpopProvider(): Promise<{ issuer: string; server: Server }> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const key = { ...(await exportJWK(privateKey)), kid: "op-key", alg: "ES256", use: "sig" };
  const server = createServer();
  const app = await listen(server);
  const provider = new Provider(app.url, {
    jwks: { keys: [key] },
    scopes: ["read"],
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: "read",
        id_token_signed_response_alg: "ES256",
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RS,
        useGrantedResource: () => true,
        getResourceServerInfo: (): ResourceServer => ({
          scope: "read",
          audience: RS,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
  });
  server.on("request", provider.callback());
  return { issuer: app.url, server };
}

/** Client credentials with a DPoP proof at the token endpoint: oidc-provider binds the token. */
async function boundToken(issuer: string, key: ProofKey) {
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`,
      dpop: await signProof(key, { htm: "POST", htu: `${issuer}/token` }),
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource: RS, scope: "read" }),
  });
  const body = (await res.json()) as { access_token: string; token_type: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.token_type).toBe("DPoP");
  return body.access_token;
}

describe("interop: oidc-provider with DPoP → Express binding", () => {
  let op: { issuer: string; server: Server };
  let api: AppUnderTest;
  let auth: Auth;
  let key: ProofKey;

  beforeAll(async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    op = await startDpopProvider();
    key = await makeProofKey("ES256");
    auth = createAuth({
      env: { AUTH_ISSUER: op.issuer, AUTH_AUDIENCE: RS },
      logger: { warn() {} },
    });
    const app = express();
    app.get("/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ id: req.user?.id }));
    api = await listen(createServer(app));
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    op.server.closeAllConnections();
    op.server.close();
    vi.restoreAllMocks();
  });

  it("the provider binds the token to the proof key (cnf.jkt is the key's thumbprint)", async () => {
    const token = await boundToken(op.issuer, key);
    const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());
    expect(claims.cnf).toEqual({ jkt: key.jkt });
  });

  it("accepts the bound token with a proof for the request", async () => {
    const token = await boundToken(op.issuer, key);
    const dpop = await signProof(key, { htm: "GET", htu: `${api.url}/me`, token });
    const res = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}`, dpop } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: CLIENT.id });
  });

  it("refuses it without a proof: as Bearer, and as DPoP with no DPoP header", async () => {
    const token = await boundToken(op.issuer, key);
    const bearer = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get("www-authenticate")).toMatch(/^DPoP error="invalid_token"/);
    const bare = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}` } });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: string }).error).toBe("invalid_dpop_proof");
  });

  it("refuses it with a proof signed by another key", async () => {
    const token = await boundToken(op.issuer, key);
    const thief = await makeProofKey("ES256");
    const dpop = await signProof(thief, { htm: "GET", htu: `${api.url}/me`, token });
    const res = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}`, dpop } });
    expect(res.status).toBe(401);
  });
});
