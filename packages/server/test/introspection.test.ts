import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { type MockServer, startMockServer } from "@org/auth-mock-server";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import * as ex from "../src/bindings/express/index.js";
import { createIntrospectionValidator } from "../src/config/createIntrospectionValidator.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import {
  answering,
  type IntrospectionFront,
  startIntrospectionFront,
} from "./introspectionFront.js";
import { listen } from "./listen.js";
import { untilShared } from "./sharedEntries.js";

const silent = { warn: () => {}, error: () => {} };
const CLIENT = { id: "mock-client", secret: "mock-client-secret" };
/** The `sub` of the mock persona "mock-admin". */
const ADMIN = "mock-admin-id";

/** An Express API on the auth instance; `arrived` counts requests before the guard runs. */
async function startApi(auth: Auth): Promise<AppUnderTest & { arrived: () => number }> {
  const app = express();
  let arrived = 0;
  app.use((_req, _res, next) => {
    arrived++;
    next();
  });
  const o = { auth };
  app.get("/me", ex.getCurrentUser(o), (req, res) =>
    res.json({ id: req.user?.id, provider: req.user?.provider, scopes: req.user?.scopes }),
  );
  app.get("/orders", ex.requireScope("orders:read", o), (_req, res) => res.json({ ok: true }));
  app.get("/audit", ex.requirePermission("audit", o), (_req, res) => res.json({ ok: true }));
  app.get("/dangerous", ex.requireAuthLevel({ acr: ["mfa"], maxAge: 300 }, o), (_req, res) =>
    res.json({ ok: true }),
  );
  const api = await listen(createServer(app));
  return { ...api, arrived: () => arrived };
}

const get = (api: AppUnderTest, path: string, token: string) =>
  fetch(api.url + path, { headers: { authorization: `Bearer ${token}` } });

/** The env of `AUTH_PROVIDER=introspection` against `url`, with the mock's confidential client. */
function introspectionEnv(mock: MockServer, url: string, method = "client_secret_basic") {
  return {
    AUTH_PROVIDER: "introspection",
    AUTH_INTROSPECTION_URL: url,
    AUTH_INTROSPECTION_AUTH_METHOD: method,
    AUTH_CLIENT_ID: CLIENT.id,
    AUTH_CLIENT_SECRET: CLIENT.secret,
    AUTH_ISSUER: mock.url,
    AUTH_AUDIENCE: "oxaigen-mock",
    AUTH_HTTP_TIMEOUT_SECONDS: "2",
  };
}

/** Revokes an access token at the mock (RFC 7009) with the client it was issued to. */
async function revokeAtMock(mock: MockServer, token: string): Promise<void> {
  const res = await fetch(`${mock.url}/oidc/revoke`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`,
    },
    body: new URLSearchParams({ token }),
  });
  expect(res.status).toBe(200);
}

describe("AUTH_PROVIDER=introspection against the mock's RFC 7662 endpoint (no Redis)", () => {
  let mock: MockServer;
  let front: IntrospectionFront;
  let auth: Auth;
  let api: Awaited<ReturnType<typeof startApi>>;

  beforeAll(async () => {
    mock = await startMockServer({ permissions: [] });
    front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    auth = createAuth({ env: introspectionEnv(mock, front.url), logger: silent });
    expect(auth.validator.name).toBe("introspection");
    api = await startApi(auth);
  });
  afterEach(() => {
    front.release();
    front.mode = { kind: "forward" };
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    await front.close();
    await mock.close();
  });

  const mint = (options: Parameters<MockServer["mock"]["mintToken"]>[0] = {}) =>
    mock.mock.mintToken({ sub: "mock-admin", ...options });

  it("an active token is the same User as in JWT mode; answered once, then from the cache", async () => {
    const token = await mint({ scope: "openid orders:read", claims: { permissions: ["audit"] } });
    const before = front.calls;
    const res = await get(api, "/me", token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: ADMIN,
      provider: "introspection",
      scopes: ["openid", "orders:read"],
    });
    expect((await get(api, "/orders", token)).status).toBe(200);
    expect((await get(api, "/audit", token)).status).toBe(200);
    expect(front.calls - before).toBe(1);
    // client_secret_basic: the credentials in the header, the token in the form body only.
    expect(front.authorizations.at(-1)).toBe(`Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`);
    const form = new URLSearchParams(front.bodies.at(-1));
    expect(form.get("token")).toBe(token);
    expect(form.get("token_type_hint")).toBe("access_token");
    expect(form.has("client_secret")).toBe(false);
  });

  it("a token of the mock's proxy-API session (what its sign-in popup hands a page) is active", async () => {
    const signIn = await fetch(`${mock.url}/_oxa_auth/refresh`, {
      method: "POST",
      headers: { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
    });
    const { access_token: token } = (await signIn.json()) as { access_token: string };
    const res = await get(api, "/me", token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe("mock-user-id");
  });

  it("scopes are not permissions by default, as in JWT mode; a missing scope is 403", async () => {
    const token = await mint({ scope: "openid audit" });
    expect((await get(api, "/audit", token)).status).toBe(403);
    expect((await get(api, "/orders", token)).status).toBe(403);
  });

  it("inactive (unknown) token: 401 invalid_token, negative-cached", async () => {
    const before = front.calls;
    const token = `opaque-${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      const res = await get(api, "/me", token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(JSON.stringify(await res.json())).not.toContain(token);
    }
    expect(front.calls - before).toBe(1);
  });

  it("active:false is 401 even when the answer also names a user, audience and exp", async () => {
    front.mode = answering({
      active: false,
      sub: ADMIN,
      aud: "oxaigen-mock",
      scope: "orders:read",
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    const res = await get(api, "/orders", `opaque-${crypto.randomUUID()}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/not active/);
  });

  it("a key-bound answer (cnf.jkt) is refused as Bearer: the DPoP gate sees the answer's claims", async () => {
    front.mode = answering({
      active: true,
      sub: ADMIN,
      aud: "oxaigen-mock",
      exp: Math.floor(Date.now() / 1000) + 300,
      cnf: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" },
    });
    const res = await get(api, "/me", `opaque-${crypto.randomUUID()}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/DPoP/);
  });

  it("step-up reads acr and auth_time from the introspection answer (RFC 9470 challenge)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = (acr: string, authTime: number) => {
      front.mode = answering({
        active: true,
        sub: ADMIN,
        aud: "oxaigen-mock",
        exp: now + 300,
        acr,
        auth_time: authTime,
      });
    };
    answer("pwd", now - 10);
    const weak = await get(api, "/dangerous", `opaque-${crypto.randomUUID()}`);
    expect(weak.status).toBe(401);
    expect(weak.headers.get("www-authenticate")).toMatch(
      /^Bearer error="insufficient_user_authentication", .*acr_values="mfa"/,
    );
    answer("mfa", now - 3600);
    const stale = await get(api, "/dangerous", `opaque-${crypto.randomUUID()}`);
    expect(stale.status).toBe(401);
    expect(stale.headers.get("www-authenticate")).toMatch(/max_age="300"/);
    answer("mfa", now - 10);
    expect((await get(api, "/dangerous", `opaque-${crypto.randomUUID()}`)).status).toBe(200);
  });

  it("expired token: inactive at the server, 401", async () => {
    const res = await get(api, "/me", await mint({ bad: "expired" }));
    expect(res.status).toBe(401);
  });

  it("revoked at the authorization server: 401 once the cached answer is dropped (auth.revoke)", async () => {
    const token = await mint();
    expect((await get(api, "/me", token)).status).toBe(200);
    await revokeAtMock(mock, token);
    // Cached: the server is not asked again until the answer expires or a revocation drops it.
    expect((await get(api, "/me", token)).status).toBe(200);
    await auth.revoke({ token });
    expect((await get(api, "/me", token)).status).toBe(401);
  });

  it("a refresh token (opaque, active at the server) is not an access token: 401", async () => {
    front.mode = answering({
      active: true,
      token_type: "refresh_token",
      sub: "mock-admin",
      aud: "oxaigen-mock",
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    expect((await get(api, "/me", `refresh-${crypto.randomUUID()}`)).status).toBe(401);
  });

  it("N concurrent requests with a new token make one introspection call (single flight)", async () => {
    const token = await mint();
    const before = front.calls;
    front.mode = { kind: "hold" };
    const N = 20;
    const pending = Array.from({ length: N }, () => get(api, "/me", token));
    // Every request is inside the guard, and the one upstream call is waiting: release it.
    await front.waitForCalls(before + 1);
    const deadline = Date.now() + 10_000;
    while (api.arrived() < N && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    front.release();
    const statuses = await Promise.all(pending.map(async (res) => (await res).status));
    expect(statuses).toEqual(Array(N).fill(200));
    expect(front.calls - before).toBe(1);
  });

  it.each([
    ["not JSON", "application/json", "<html>hi</html>"],
    ["a JSON array", "application/json", "[]"],
    ["active not a boolean", "application/json", '{"active":"true","sub":"x"}'],
    ["no active", "application/json", '{"sub":"x"}'],
    ["scope not a string", "application/json", '{"active":true,"sub":"x","scope":["a"]}'],
    ["exp not a number", "application/json", '{"active":true,"sub":"x","exp":"soon"}'],
    ["aud of numbers", "application/json", '{"active":true,"sub":"x","aud":[1,2]}'],
    ["cnf not an object", "application/json", '{"active":true,"sub":"x","cnf":"k"}'],
    ["__proto__ member", "application/json", '{"active":true,"sub":"x","__proto__":{"a":1}}'],
    ["huge", "application/json", `{"active":true,"sub":"${"x".repeat(200_000)}"}`],
    ["text/html", "text/html", '{"active":true,"sub":"x"}'],
  ])("a malformed answer (%s) is 502, never a pass nor a crash", async (_what, type, body) => {
    front.mode = { kind: "answer", status: 200, type, body };
    const res = await get(api, "/me", `opaque-${crypto.randomUUID()}`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toBe("upstream_error");
  });

  it("the server's 5xx is an outage: 502 with Retry-After, not cached", async () => {
    front.mode = { kind: "answer", status: 503, type: "text/plain", body: "down" };
    const token = `opaque-${crypto.randomUUID()}`;
    const res = await get(api, "/me", token);
    expect(res.status).toBe(502);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    front.mode = { kind: "forward" };
    expect((await get(api, "/me", token)).status).toBe(401);
  });

  it("refused client credentials are the server's misconfiguration (502), never the caller's 401", async () => {
    const wrong = createAuth({
      env: { ...introspectionEnv(mock, front.url), AUTH_CLIENT_SECRET: "not-the-secret" },
      logger: silent,
    });
    const wrongApi = await startApi(wrong);
    try {
      const res = await get(wrongApi, "/me", await mint());
      expect(res.status).toBe(502);
      expect(JSON.stringify(await res.json())).not.toContain("not-the-secret");
    } finally {
      await wrongApi.close();
      await wrong.close();
    }
  });

  it("client_secret_post: the credentials in the form body, no Authorization header", async () => {
    const post = createAuth({
      env: introspectionEnv(mock, front.url, "client_secret_post"),
      logger: silent,
    });
    try {
      const token = await mint();
      const user = await post.getCurrentUser({ headers: { authorization: `Bearer ${token}` } });
      expect(user.id).toBe(ADMIN);
      const form = new URLSearchParams(front.bodies.at(-1));
      expect(form.get("client_id")).toBe(CLIENT.id);
      expect(form.get("client_secret")).toBe(CLIENT.secret);
      expect(front.authorizations.at(-1)).toBeUndefined();
    } finally {
      await post.close();
    }
  });

  it("private_key_jwt with a JWK: the mock verifies the signed assertion", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    mock.setState({
      clients: [
        {
          clientId: "orders-api",
          clientSecret: null,
          jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "api-1" }] },
          redirectUris: [],
          postLogoutRedirectUris: [],
          loopback: false,
        },
      ],
    });
    const keyed = createAuth({
      env: {
        ...introspectionEnv(mock, front.url, "private_key_jwt"),
        AUTH_CLIENT_ID: "orders-api",
        AUTH_CLIENT_SECRET: "",
        AUTH_CLIENT_PRIVATE_KEY: JSON.stringify({
          ...privateKey.export({ format: "jwk" }),
          kid: "api-1",
        }),
      },
      logger: silent,
    });
    try {
      const req = async () => ({ headers: { authorization: `Bearer ${await mint()}` } });
      expect((await keyed.getCurrentUser(await req())).id).toBe(ADMIN);
      const form = new URLSearchParams(front.bodies.at(-1));
      expect(form.get("client_assertion_type")).toBe(
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
      expect(form.has("client_secret")).toBe(false);
      // Each call signs a new assertion (the mock refuses a replayed jti).
      expect((await keyed.getCurrentUser(await req())).id).toBe(ADMIN);
    } finally {
      await keyed.close();
      mock.reset();
    }
  });

  it("the endpoint from the issuer's discovery (AUTH_ISSUER, no AUTH_INTROSPECTION_URL)", async () => {
    const { AUTH_INTROSPECTION_URL: _, ...env } = introspectionEnv(mock, front.url);
    const discovered = createAuth({ env, logger: silent });
    try {
      const user = await discovered.getCurrentUser({
        headers: { authorization: `Bearer ${await mint()}` },
      });
      expect(user.id).toBe(ADMIN);
    } finally {
      await discovered.close();
    }
  });

  it("the cache never outlives the token's exp", async () => {
    const exact = createAuth({
      validator: createIntrospectionValidator({
        url: front.url,
        audience: "oxaigen-mock",
        clockToleranceSeconds: 0,
        client: { clientId: CLIENT.id, clientSecret: CLIENT.secret },
      }),
      cacheTtlSeconds: 300,
      logger: silent,
    });
    try {
      const token = await mint({ expiresIn: 2 });
      const exp = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).exp;
      // A new request object each time: a request memoises its own answer.
      const req = () => ({ headers: { authorization: `Bearer ${token}` } });
      const before = front.calls;
      await exact.getCurrentUser(req());
      await exact.getCurrentUser(req());
      expect(front.calls - before).toBe(1);
      // Wait on the clock (not a sleep as synchronisation): the token's exp has passed.
      while (Date.now() <= exp * 1000) await new Promise((r) => setTimeout(r, 50));
      await expect(exact.getCurrentUser(req())).rejects.toMatchObject({ status: 401 });
      expect(front.calls - before).toBe(2);
    } finally {
      await exact.close();
    }
  });
});

describe("introspection outages: the server closed, or slower than the deadline", () => {
  let mock: MockServer;

  beforeAll(async () => {
    mock = await startMockServer();
  });
  afterAll(async () => {
    await mock.close();
  });

  it("server closed (connection refused): 502 with Retry-After, never a pass", async () => {
    const front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    const auth = createAuth({ env: introspectionEnv(mock, front.url), logger: silent });
    const api = await startApi(auth);
    try {
      const token = await mock.mock.mintToken({ sub: "mock-admin" });
      await front.close();
      const res = await get(api, "/me", token);
      expect(res.status).toBe(502);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(await res.json())).not.toContain(token);
    } finally {
      await api.close();
      await auth.close();
    }
  });

  it("a server that never answers: 502 within the bounded timeout", async () => {
    const front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    front.mode = { kind: "hold" };
    const auth = createAuth({
      env: { ...introspectionEnv(mock, front.url), AUTH_HTTP_TIMEOUT_SECONDS: "0.3" },
      logger: silent,
    });
    const api = await startApi(auth);
    try {
      const started = Date.now();
      const res = await get(api, "/me", await mock.mock.mintToken({ sub: "mock-admin" }));
      expect(res.status).toBe(502);
      expect(res.headers.get("retry-after")).not.toBeNull();
      // 0.3 s deadline; generous room for a loaded machine, far below "hangs".
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await api.close();
      await auth.close();
      await front.close();
    }
  });
});

describe("introspection with Redis: the shared level and revocation events", () => {
  let redis: RedisUnderTest;
  let mock: MockServer;
  let front: IntrospectionFront;
  let a: Auth;
  let b: Auth;

  beforeAll(async () => {
    redis = await startRedis();
    // The mock publishes its revocations on the SDK's channel, as in proxy mode.
    mock = await startMockServer({ redisUrl: redis.url, redisPrefix: "in:" });
    front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    const env = { ...introspectionEnv(mock, front.url), AUTH_REDIS_URL: redis.url };
    a = createAuth({ env: { ...env, AUTH_REDIS_PREFIX: "in:" }, logger: silent });
    b = createAuth({ env: { ...env, AUTH_REDIS_PREFIX: "in:" }, logger: silent });
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await front.close();
    await mock.close();
    await redis.close();
  });

  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("one instance's answer serves the other: one introspection call for the fleet", async () => {
    const token = await mock.mock.mintToken({ sub: "mock-admin" });
    const before = front.calls;
    expect((await a.getCurrentUser(req(token))).id).toBe(ADMIN);
    await untilShared(redis.url, "in:");
    expect((await b.getCurrentUser(req(token))).id).toBe(ADMIN);
    expect(front.calls - before).toBe(1);
  });

  it("an inactive answer is never shared as a user; both instances answer 401", async () => {
    const token = `opaque-${crypto.randomUUID()}`;
    await expect(a.getCurrentUser(req(token))).rejects.toMatchObject({ status: 401 });
    await expect(b.getCurrentUser(req(token))).rejects.toMatchObject({ status: 401 });
  });

  it("revoked at the authorization server: its event reaches both instances, 401 at once", async () => {
    const token = await mock.mock.mintToken({ sub: "mock-admin" });
    expect((await a.getCurrentUser(req(token))).id).toBe(ADMIN);
    expect((await b.getCurrentUser(req(token))).id).toBe(ADMIN);
    await revokeAtMock(mock, token);
    // The event travels through Redis: poll both instances with a deadline (the cache TTL is 30 s).
    const deadline = Date.now() + 5_000;
    const refused = async (auth: Auth) =>
      auth.getCurrentUser(req(token)).then(
        () => false,
        (error: { status?: number }) => error.status === 401,
      );
    let done = false;
    while (!done && Date.now() < deadline) {
      done = (await refused(a)) && (await refused(b));
      if (!done) await new Promise((r) => setTimeout(r, 25));
    }
    expect(done).toBe(true);
  });
});

describe("mixed mode: AUTH_PROVIDER=jwt with AUTH_INTROSPECTION_URL", () => {
  let mock: MockServer;
  let front: IntrospectionFront;
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    mock = await startMockServer();
    front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    auth = createAuth({
      env: { ...introspectionEnv(mock, front.url), AUTH_PROVIDER: "jwt" },
      logger: silent,
    });
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    await front.close();
    await mock.close();
  });

  it("a JWT is verified locally: no introspection call", async () => {
    const before = front.calls;
    const res = await get(api, "/me", await mock.mock.mintToken({ sub: "mock-admin" }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { provider: string }).provider).toBe("jwt");
    expect(front.calls).toBe(before);
  });

  it("a JWT that fails local verification is refused there, never introspected", async () => {
    const before = front.calls;
    const bad = await mock.mock.mintToken({ sub: "mock-admin", bad: "bad-signature" });
    expect((await get(api, "/me", bad)).status).toBe(401);
    expect(front.calls).toBe(before);
  });

  it("an opaque token is introspected: active → the same User, inactive → 401", async () => {
    const opaque = `opaque-${crypto.randomUUID()}`;
    front.mode = answering({
      active: true,
      sub: ADMIN,
      scope: "orders:read",
      aud: "oxaigen-mock",
      iss: mock.url,
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    const before = front.calls;
    const res = await get(api, "/orders", opaque);
    expect(res.status).toBe(200);
    expect(front.calls - before).toBe(1);
    front.mode = { kind: "forward" };
    expect((await get(api, "/me", `opaque-${crypto.randomUUID()}`)).status).toBe(401);
    expect(front.calls - before).toBe(2);
  });

  it("an introspection answer from another issuer is refused (iss)", async () => {
    front.mode = answering({
      active: true,
      sub: ADMIN,
      aud: "oxaigen-mock",
      iss: "https://evil.example",
    });
    expect((await get(api, "/me", `opaque-${crypto.randomUUID()}`)).status).toBe(401);
    front.mode = { kind: "forward" };
  });
});
