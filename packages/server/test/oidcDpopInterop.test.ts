import { createServer } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { makeProofKey, type ProofKey, signProof } from "./dpopFixtures.js";
import { listen } from "./listen.js";
import { CLIENT, type OidcProvider, startOidcProvider } from "./startOidcProvider.js";

const RS = "https://api.example/orders";

/** Client credentials with a DPoP proof at the token endpoint: oidc-provider binds the token. */
async function boundToken(op: OidcProvider, key: ProofKey) {
  return op.token(RS, { dpop: await signProof(key, { htm: "POST", htu: `${op.issuer}/token` }) });
}

describe("interop: oidc-provider with DPoP → Express binding", () => {
  let op: OidcProvider;
  let api: AppUnderTest;
  let auth: Auth;
  let key: ProofKey;

  beforeAll(async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    op = await startOidcProvider({
      keys: [{ alg: "ES256", kid: "op-key" }],
      scopes: ["read"],
      defaultResource: RS,
    });
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
    await op.close();
    vi.restoreAllMocks();
  });

  it("the provider binds the token to the proof key (cnf.jkt is the key's thumbprint)", async () => {
    const token = await boundToken(op, key);
    const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());
    expect(claims.cnf).toEqual({ jkt: key.jkt });
  });

  it("accepts the bound token with a proof for the request", async () => {
    const token = await boundToken(op, key);
    const dpop = await signProof(key, { htm: "GET", htu: `${api.url}/me`, token });
    const res = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}`, dpop } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: CLIENT.id });
  });

  it("refuses it without a proof: as Bearer, and as DPoP with no DPoP header", async () => {
    const token = await boundToken(op, key);
    const bearer = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get("www-authenticate")).toMatch(/^DPoP error="invalid_token"/);
    const bare = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}` } });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: string }).error).toBe("invalid_dpop_proof");
  });

  it("refuses it with a proof signed by another key", async () => {
    const token = await boundToken(op, key);
    const thief = await makeProofKey("ES256");
    const dpop = await signProof(thief, { htm: "GET", htu: `${api.url}/me`, token });
    const res = await fetch(`${api.url}/me`, { headers: { authorization: `DPoP ${token}`, dpop } });
    expect(res.status).toBe(401);
  });
});
