import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { getCurrentUser } from "../src/bindings/express/index.js";
import * as fastifyBinding from "../src/bindings/fastify/index.js";
import * as honoBinding from "../src/bindings/hono/index.js";
import * as nodeBinding from "../src/bindings/node/index.js";
import { type AuthOptions, createAuth } from "../src/index.js";
import type { Auth } from "../src/kernel/Auth.js";
import { athOf, makeProofKey, type ProofKey, rawProof, signProof } from "./dpopFixtures.js";
import {
  b64,
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signToken,
  startFakeIdp,
} from "./jwtFixtures.js";
import { listen } from "./listen.js";
import { sharedCount, untilShared } from "./sharedEntries.js";
import { startStandInProxy, userBody } from "./standInProxy.js";
import { startUpgradeServer, type UpgradeServer } from "./upgradeServer.js";

// DPoP (RFC 9449) attacks over real HTTP: Express apps on 127.0.0.1 in local JWT mode, a real
// redis-server for the fleet-wide replay check.

interface Api {
  url: string;
  auth: Auth;
  logs: string[];
  close(): Promise<void>;
}

async function startApi(options: AuthOptions): Promise<Api> {
  const logs: string[] = [];
  const logger = {
    warn: (message: string) => logs.push(message),
    error: (message: string) => logs.push(message),
  };
  const auth = createAuth({ logger, ...options });
  await auth.ready();
  const app = express();
  app.all("/me", getCurrentUser({ auth }), (req, res) => {
    res.json({ id: req.user?.id });
  });
  const server = await listen(createServer(app));
  return {
    url: server.url,
    auth,
    logs,
    close: async () => {
      await server.close();
      await auth.close();
    },
  };
}

interface Answer {
  status: number;
  body: string;
  challenge: string | null;
  nonce: string | null;
}

async function send(url: string, headers: Record<string, string>, method = "GET"): Promise<Answer> {
  const response = await fetch(url, { method, headers });
  return {
    status: response.status,
    body: await response.text(),
    challenge: response.headers.get("www-authenticate"),
    nonce: response.headers.get("dpop-nonce"),
  };
}

describe("DPoP-bound tokens under attack", () => {
  let redis: RedisUnderTest;
  let idpKey: FixtureKey;
  let idp: FakeIdp;
  let alice: ProofKey;
  let mallory: ProofKey;
  /** No Redis: the in-process replay memory. */
  let solo: Api;
  /** Two instances of one API on one Redis. */
  let fleetA: Api;
  let fleetB: Api;
  const apis: Api[] = [];

  const env = () => ({
    AUTH_PROVIDER: "jwt",
    AUTH_ISSUER: idp.issuer,
    AUTH_JWKS_URL: idp.jwksUrl,
    AUTH_AUDIENCE: "orders",
  });
  const start = async (options: AuthOptions) => {
    const api = await startApi(options);
    apis.push(api);
    return api;
  };
  const boundToken = (jkt = alice.jkt, claims: Record<string, unknown> = {}) =>
    signToken(idpKey, { iss: idp.issuer, aud: "orders", sub: "alice", cnf: { jkt }, ...claims });
  /** An honest DPoP request to `api`'s /me. */
  const dpopHeaders = async (api: Api, token: string, key = alice, method = "GET") => ({
    authorization: `DPoP ${token}`,
    dpop: await signProof(key, { htm: method, htu: `${api.url}/me`, token }),
  });

  beforeAll(async () => {
    redis = await startRedis();
    idpKey = await makeKey("ES256", "idp");
    idp = await startFakeIdp([idpKey]);
    alice = await makeProofKey("ES256");
    mallory = await makeProofKey("ES256");
    solo = await start({ env: env() });
    const fleet = { ...env(), AUTH_REDIS_URL: redis.url, AUTH_REDIS_PREFIX: "dpop-fleet:" };
    fleetA = await start({ env: fleet });
    fleetB = await start({ env: fleet });
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await idp.close();
    await redis.close();
  });

  it("a valid proof with the bound token → 200", async () => {
    const token = await boundToken();
    const answer = await send(`${solo.url}/me`, await dpopHeaders(solo, token));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: "alice" });
  });

  it("the proof may use every allowed algorithm: RS256, PS256, ES384, EdDSA keys", async () => {
    for (const alg of ["RS256", "PS256", "ES384", "EdDSA"]) {
      const key = await makeProofKey(alg);
      const token = await boundToken(key.jkt);
      const answer = await send(`${solo.url}/me`, await dpopHeaders(solo, token, key));
      expect(answer.status, alg).toBe(200);
    }
  });

  it("the URL's query is not part of htu: a proof for /me serves /me?page=2", async () => {
    const token = await boundToken();
    const headers = await dpopHeaders(solo, token);
    expect((await send(`${solo.url}/me?page=2`, headers)).status).toBe(200);
  });

  describe("no downgrade: a bound token never works as Bearer", () => {
    it("as Bearer → 401 invalid_token with a DPoP challenge", async () => {
      const token = await boundToken();
      const answer = await send(`${solo.url}/me`, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).error).toBe("invalid_token");
      expect(answer.challenge).toMatch(
        /^DPoP error="invalid_token", error_description="[^"]*", algs="[^"]*ES256[^"]*"$/,
      );
    });

    it("as Bearer even with a valid proof beside it → 401", async () => {
      const token = await boundToken();
      const { dpop } = await dpopHeaders(solo, token);
      const answer = await send(`${solo.url}/me`, { authorization: `Bearer ${token}`, dpop });
      expect(answer.status).toBe(401);
    });

    it("as Bearer after a DPoP request cached its answer → still 401", async () => {
      const token = await boundToken();
      expect((await send(`${solo.url}/me`, await dpopHeaders(solo, token))).status).toBe(200);
      const answer = await send(`${solo.url}/me`, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
    });

    it("in the access cookie → 401 (a cookie cannot carry a proof)", async () => {
      const token = await boundToken();
      const cookie = `OxaigenPlatformAuthAccessToken=${token}`;
      expect((await send(`${solo.url}/me`, { cookie })).status).toBe(401);
    });

    it("on another instance served from the shared (Redis) answer → still 401 as Bearer", async () => {
      const token = await boundToken();
      const shared = await sharedCount(redis.url, "dpop-fleet:");
      expect((await send(`${fleetA.url}/me`, await dpopHeaders(fleetA, token))).status).toBe(200);
      await untilShared(redis.url, "dpop-fleet:", shared + 1);
      const verify = vi.spyOn(fleetB.auth.validator, "verify");
      const answer = await send(`${fleetB.url}/me`, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      // B answered from the entry A shared: the binding travels with it.
      expect(verify).not.toHaveBeenCalled();
      verify.mockRestore();
    });

    it("DPoP scheme without a DPoP header → 401 invalid_dpop_proof", async () => {
      const token = await boundToken();
      const answer = await send(`${solo.url}/me`, { authorization: `DPoP ${token}` });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).error).toBe("invalid_dpop_proof");
      expect(answer.challenge).toMatch(/^DPoP error="invalid_dpop_proof"/);
    });
  });

  describe("a proof made for another request is refused (401 invalid_dpop_proof)", () => {
    const refused = async (headers: Record<string, string>, method = "GET", path = "/me") => {
      const answer = await send(`${solo.url}${path}`, headers, method);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).error).toBe("invalid_dpop_proof");
      return answer;
    };

    it("another method (a GET proof on a POST)", async () => {
      const token = await boundToken();
      await refused(await dpopHeaders(solo, token, alice, "GET"), "POST");
    });

    it("another URL: other path, other host, other scheme", async () => {
      const token = await boundToken();
      const authorization = `DPoP ${token}`;
      const port = new URL(solo.url).port;
      for (const htu of [
        `${solo.url}/admin`,
        `http://evil.example:${port}/me`,
        `https://127.0.0.1:${port}/me`,
      ]) {
        await refused({ authorization, dpop: await signProof(alice, { htm: "GET", htu, token }) });
      }
    });

    it("another token (ath of a different token, or no ath)", async () => {
      const token = await boundToken();
      const other = await boundToken();
      const htu = `${solo.url}/me`;
      const authorization = `DPoP ${token}`;
      await refused({
        authorization,
        dpop: await signProof(alice, { htm: "GET", htu, token: other }),
      });
      await refused({ authorization, dpop: await signProof(alice, { htm: "GET", htu }) });
    });

    it("another key (a thief's own key signing for the stolen token)", async () => {
      const token = await boundToken(alice.jkt);
      const answer = await send(`${solo.url}/me`, await dpopHeaders(solo, token, mallory));
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).message).toContain("another key");
    });

    it("a stale proof (iat 10 minutes ago) and one from the future", async () => {
      const token = await boundToken();
      const now = Math.floor(Date.now() / 1000);
      const authorization = `DPoP ${token}`;
      for (const iat of [now - 600, now + 600]) {
        const dpop = await signProof(alice, { htm: "GET", htu: `${solo.url}/me`, token, iat });
        await refused({ authorization, dpop });
      }
    });
  });

  describe("forged proofs", () => {
    const payload = (token: string, url: string) => ({
      htm: "GET",
      htu: `${url}/me`,
      iat: Math.floor(Date.now() / 1000),
      jti: `forged-${Math.random()}`,
      ath: athOf(token),
    });
    const expectRefused = async (token: string, dpop: string) => {
      const answer = await send(`${solo.url}/me`, { authorization: `DPoP ${token}`, dpop });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).error).toBe("invalid_dpop_proof");
    };

    it("alg none", async () => {
      const token = await boundToken();
      const header = { alg: "none", typ: "dpop+jwt", jwk: alice.publicJwk };
      await expectRefused(token, rawProof(header, payload(token, solo.url)));
    });

    it("HS256 with the public key's x as the secret", async () => {
      const token = await boundToken();
      const header = { alg: "HS256", typ: "dpop+jwt", jwk: alice.publicJwk };
      const input = `${b64(header)}.${b64(payload(token, solo.url))}`;
      const mac = createHmac("sha256", String(alice.publicJwk.x)).update(input).digest("base64url");
      await expectRefused(token, `${input}.${mac}`);
    });

    it("a private key in the jwk header (a valid signature)", async () => {
      const token = await boundToken();
      const dpop = await signProof(alice, {
        htm: "GET",
        htu: `${solo.url}/me`,
        token,
        header: { jwk: alice.privateJwk },
      });
      await expectRefused(token, dpop);
    });

    it("another typ (a plain JWT signed with the right key)", async () => {
      const token = await boundToken();
      const dpop = await signProof(alice, {
        htm: "GET",
        htu: `${solo.url}/me`,
        token,
        header: { typ: "JWT" },
      });
      await expectRefused(token, dpop);
    });

    it("a tampered payload (signature no longer verifies)", async () => {
      const token = await boundToken();
      const honest = await signProof(alice, { htm: "POST", htu: `${solo.url}/me`, token });
      const [header, , signature] = honest.split(".");
      const tampered = `${header}.${b64(payload(token, solo.url))}.${signature}`;
      await expectRefused(token, tampered);
    });

    it("a huge header (beyond 8 KiB) and two DPoP headers → 401, never a crash", async () => {
      const token = await boundToken();
      const huge = await signProof(alice, {
        htm: "GET",
        htu: `${solo.url}/me`,
        token,
        header: { pad: "x".repeat(10_000) },
      });
      await expectRefused(token, huge);
      const one = await signProof(alice, { htm: "GET", htu: `${solo.url}/me`, token });
      const answer = await send(`${solo.url}/me`, {
        authorization: `DPoP ${token}`,
        dpop: `${one}, ${one}`,
      });
      expect(answer.status).toBe(401);
    });
  });

  describe("replay: each proof is accepted once", () => {
    it("the same proof twice on one instance (in-process memory) → 200 then 401", async () => {
      const token = await boundToken();
      const headers = await dpopHeaders(solo, token);
      expect((await send(`${solo.url}/me`, headers)).status).toBe(200);
      const again = await send(`${solo.url}/me`, headers);
      expect(again.status).toBe(401);
      expect(JSON.parse(again.body).message).toContain("used before");
    });

    it("the same proof on instance A then on instance B of the fleet (Redis) → 200 then 401", async () => {
      const token = await boundToken();
      const proof = await signProof(alice, {
        htm: "GET",
        // Both instances answer to one public name behind a proxy that forwards it.
        htu: "https://api.example.com/me",
        token,
      });
      const headers = {
        authorization: `DPoP ${token}`,
        dpop: proof,
        "x-forwarded-host": "api.example.com",
        "x-forwarded-proto": "https",
      };
      expect((await send(`${fleetA.url}/me`, headers)).status).toBe(200);
      const onB = await send(`${fleetB.url}/me`, headers);
      expect(onB.status).toBe(401);
      expect(JSON.parse(onB.body).message).toContain("used before");
      // B itself works: a fresh proof passes there.
      const fresh = {
        ...headers,
        dpop: await signProof(alice, { htm: "GET", htu: "https://api.example.com/me", token }),
      };
      expect((await send(`${fleetB.url}/me`, fresh)).status).toBe(200);
    });

    it("the token's validation stays cached while every request brings a new proof", async () => {
      const token = await boundToken();
      const verify = vi.spyOn(solo.auth.validator, "verify");
      for (let i = 0; i < 3; i++) {
        expect((await send(`${solo.url}/me`, await dpopHeaders(solo, token))).status).toBe(200);
      }
      expect(verify).toHaveBeenCalledTimes(1);
      verify.mockRestore();
    });
  });

  describe("modes and settings", () => {
    it("AUTH_DPOP=required refuses an unbound Bearer token and accepts a bound one with its proof", async () => {
      const api = await start({ env: { ...env(), AUTH_DPOP: "required" } });
      const unbound = await signToken(idpKey, { iss: idp.issuer, aud: "orders", sub: "bob" });
      const answer = await send(`${api.url}/me`, { authorization: `Bearer ${unbound}` });
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/^DPoP /);
      const token = await boundToken();
      expect((await send(`${api.url}/me`, await dpopHeaders(api, token))).status).toBe(200);
    });

    it("AUTH_DPOP=allowed (default) still accepts unbound Bearer tokens; unbound as DPoP → 401", async () => {
      const unbound = await signToken(idpKey, { iss: idp.issuer, aud: "orders", sub: "bob" });
      expect((await send(`${solo.url}/me`, { authorization: `Bearer ${unbound}` })).status).toBe(
        200,
      );
      const answer = await send(`${solo.url}/me`, await dpopHeaders(solo, unbound));
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).error).toBe("invalid_token");
    });

    it("AUTH_DPOP=off refuses bound tokens in every form", async () => {
      const api = await start({ env: { ...env(), AUTH_DPOP: "off" } });
      const token = await boundToken();
      expect((await send(`${api.url}/me`, await dpopHeaders(api, token))).status).toBe(401);
      expect((await send(`${api.url}/me`, { authorization: `Bearer ${token}` })).status).toBe(401);
    });

    it("behind a proxy: htu's host must be allowed (OXAIGEN_AUTH_ALLOWED_HOSTS)", async () => {
      const api = await start({
        env: { ...env(), OXAIGEN_AUTH_ALLOWED_HOSTS: "api.example.com" },
      });
      const token = await boundToken();
      const proofFor = (host: string) =>
        signProof(alice, { htm: "GET", htu: `https://${host}/me`, token });
      const forwarded = (host: string) => ({
        "x-forwarded-host": host,
        "x-forwarded-proto": "https",
      });
      const ok = await send(`${api.url}/me`, {
        authorization: `DPoP ${token}`,
        dpop: await proofFor("api.example.com"),
        ...forwarded("api.example.com"),
      });
      expect(ok.status).toBe(200);
      const other = await send(`${api.url}/me`, {
        authorization: `DPoP ${token}`,
        dpop: await proofFor("other.example.com"),
        ...forwarded("other.example.com"),
      });
      expect(other.status).toBe(401);
      expect(JSON.parse(other.body).error).toBe("host_not_allowed");
    });

    it("server nonces: use_dpop_nonce with a DPoP-Nonce, then the retry with it → 200", async () => {
      const api = await start({
        env: { ...env(), AUTH_DPOP_NONCE_SECRET: "n".repeat(40) },
      });
      const token = await boundToken();
      const first = await send(`${api.url}/me`, await dpopHeaders(api, token));
      expect(first.status).toBe(401);
      expect(JSON.parse(first.body).error).toBe("use_dpop_nonce");
      expect(first.challenge).toMatch(/^DPoP error="use_dpop_nonce"/);
      expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const retry = await send(`${api.url}/me`, {
        authorization: `DPoP ${token}`,
        dpop: await signProof(alice, {
          htm: "GET",
          htu: `${api.url}/me`,
          token,
          nonce: first.nonce as string,
        }),
      });
      expect(retry.status).toBe(200);
      const wrong = await send(`${api.url}/me`, {
        authorization: `DPoP ${token}`,
        dpop: await signProof(alice, { htm: "GET", htu: `${api.url}/me`, token, nonce: "made-up" }),
      });
      expect(wrong.status).toBe(401);
      expect(wrong.nonce).toBe(first.nonce);
    });
  });

  it("every binding reads the method and URL the proof is checked against: Fastify, Hono, node:http", async () => {
    const auth = solo.auth;
    const fastify = Fastify();
    fastify.get(
      "/me",
      { preHandler: fastifyBinding.getCurrentUser({ auth }) },
      async (request) => ({
        id: request.user?.id,
      }),
    );
    const fastifyUrl = await fastify.listen({ port: 0, host: "127.0.0.1" });
    const hono = new Hono<honoBinding.AuthEnv>();
    hono.get("/me", honoBinding.getCurrentUser({ auth }), (c) => c.json({ id: c.get("user").id }));
    const honoApp = await listen(createServer(getRequestListener(hono.fetch)));
    const nodeApp = await listen(
      createServer(async (req, res) => {
        try {
          const user = await nodeBinding.getCurrentUser(req, { auth });
          res.end(JSON.stringify({ id: user.id }));
        } catch (error) {
          res.statusCode = (error as { status?: number }).status ?? 500;
          res.end("{}");
        }
      }),
    );
    try {
      for (const url of [fastifyUrl, honoApp.url, nodeApp.url]) {
        const token = await boundToken();
        const proof = (path: string) =>
          signProof(alice, { htm: "GET", htu: `${url}${path}`, token });
        const ok = await send(`${url}/me`, {
          authorization: `DPoP ${token}`,
          dpop: await proof("/me"),
        });
        expect(ok.status, url).toBe(200);
        const elsewhere = await send(`${url}/me`, {
          authorization: `DPoP ${token}`,
          dpop: await proof("/other"),
        });
        expect(elsewhere.status, url).toBe(401);
        const bearer = await send(`${url}/me`, { authorization: `Bearer ${token}` });
        expect(bearer.status, url).toBe(401);
      }
    } finally {
      await fastify.close();
      await honoApp.close();
      await nodeApp.close();
    }
  });

  it("proxy mode: a get-me answer with cnf.jkt binds the token the same way", async () => {
    const opaque = "opaque-bound-token.abc_DEF";
    const proxy = await startStandInProxy({
      [opaque]: { ...userBody("carol"), cnf: { jkt: alice.jkt } },
    });
    try {
      const api = await start({ env: {}, proxyUrlOverride: proxy.url });
      const bearer = await send(`${api.url}/me`, { authorization: `Bearer ${opaque}` });
      expect(bearer.status).toBe(401);
      const answer = await send(`${api.url}/me`, await dpopHeaders(api, opaque));
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ id: "carol" });
    } finally {
      await proxy.close();
    }
  });

  it("no token nor proof appears in any answer or log line", async () => {
    const token = await boundToken();
    const headers = await dpopHeaders(solo, token, mallory);
    const answers = [
      await send(`${solo.url}/me`, headers),
      await send(`${solo.url}/me`, { authorization: `Bearer ${token}` }),
      await send(`${solo.url}/me`, { ...headers, dpop: `${headers.dpop}x` }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      for (const secret of [token, headers.dpop]) {
        expect(answer.body).not.toContain(secret);
        expect(answer.challenge ?? "").not.toContain(secret.slice(0, 40));
      }
    }
    const logged = apis.flatMap((api) => api.logs).join("\n");
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(headers.dpop);
  });

  describe("WebSocket upgrades: the proof rides in an oxa-auth.dpop. subprotocol entry", () => {
    let ws: UpgradeServer;
    beforeAll(async () => {
      ws = await startUpgradeServer(() => ({ auth: solo.auth }));
    });
    afterAll(() => ws.close());

    const httpUrl = () => ws.url.replace(/^ws:/, "http:");

    it("token + proof entries → 101, answered with oxa-auth (never an entry that carries either)", async () => {
      const token = await boundToken();
      const proof = await signProof(alice, { htm: "GET", htu: `${httpUrl()}/chat`, token });
      const outcome = await ws.connect("/chat", [
        "oxa-auth",
        `oxa-auth.bearer.${token}`,
        `oxa-auth.dpop.${proof}`,
      ]);
      expect(outcome).toEqual({ status: 101, protocol: "oxa-auth", userId: "alice" });
    });

    it("a proof naming the ws:// URL is accepted too", async () => {
      const token = await boundToken();
      const proof = await signProof(alice, { htm: "GET", htu: `${ws.url}/chat`, token });
      const outcome = await ws.connect("/chat", [
        "oxa-auth",
        `oxa-auth.bearer.${token}`,
        `oxa-auth.dpop.${proof}`,
      ]);
      expect(outcome.status).toBe(101);
    });

    it("the bound token without its proof, or with a proof for another path → 401", async () => {
      const token = await boundToken();
      const bare = await ws.connect("/chat", ["oxa-auth", `oxa-auth.bearer.${token}`]);
      expect(bare.status).toBe(401);
      const proof = await signProof(alice, { htm: "GET", htu: `${httpUrl()}/other`, token });
      const elsewhere = await ws.connect("/chat", [
        "oxa-auth",
        `oxa-auth.bearer.${token}`,
        `oxa-auth.dpop.${proof}`,
      ]);
      expect(elsewhere.status).toBe(401);
    });
  });
});
