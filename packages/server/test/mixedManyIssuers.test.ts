// Mixed mode with many issuers over real HTTP: JWTs of two jose issuers (discovery and JWKS on
// 127.0.0.1) verified locally, every other token introspected at the mock's RFC 7662 endpoint.
import { createServer, request } from "node:http";
import { type MockServer, startMockServer } from "@org/auth-mock-server";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, type AuthOptions, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import {
  answering,
  type IntrospectionFront,
  startIntrospectionFront,
} from "./introspectionFront.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { listen } from "./listen.js";

const API = "orders-api";
const RESOURCE = "http://127.0.0.1:8931/mcp";
const CLIENT = { id: "mock-client", secret: "mock-client-secret" };
// Both trusted issuers and the untrusted one publish their key under one kid: keys never cross.
const KID = "shared-kid";

let a: FakeIdp;
let b: FakeIdp;
let untrusted: FakeIdp;
let keys: { a: FixtureKey; b: FixtureKey; untrusted: FixtureKey };
let mock: MockServer;
let front: IntrospectionFront;

beforeAll(async () => {
  keys = {
    a: await makeKey("ES256", KID),
    b: await makeKey("RS256", KID),
    untrusted: await makeKey("ES256", KID),
  };
  a = await startFakeIdp([keys.a], "/realms/a");
  b = await startFakeIdp([keys.b], "/realms/b");
  untrusted = await startFakeIdp([keys.untrusted], "/realms/evil");
  mock = await startMockServer();
  front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
});
afterEach(() => {
  front.mode = { kind: "forward" };
});
afterAll(async () => {
  await front.close();
  await mock.close();
  await Promise.all([a.close(), b.close(), untrusted.close()]);
});

/** Mixed mode: the jwt preset, two issuers, and the mock's introspection behind the front. */
function mixedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_PROVIDER: "jwt",
    AUTH_ISSUERS: `${a.issuer},${b.issuer}`,
    AUTH_AUDIENCE: API,
    AUTH_INTROSPECTION_URL: front.url,
    AUTH_CLIENT_ID: CLIENT.id,
    AUTH_CLIENT_SECRET: CLIENT.secret,
    AUTH_HTTP_TIMEOUT_SECONDS: "2",
    ...extra,
  };
}

async function startApi(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  app.get("/me", ex.getCurrentUser({ auth }), (req, res) =>
    res.json({ id: req.user?.id, iss: req.user?.claims?.iss, provider: req.user?.provider }),
  );
  return listen(createServer(app));
}

/** A GET over real HTTP, with the Host a tenant's clients send when given. */
function get(api: AppUnderTest, token: string, host?: string) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (host !== undefined) headers.host = host;
    const req = request(`${api.url}/me`, { headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Every outbound call the API could make: introspection, each issuer's discovery and JWKS. */
function outbound(): number {
  const idps = [a, b, untrusted];
  return front.calls + idps.reduce((sum, idp) => sum + idp.hits.discovery + idp.hits.jwks, 0);
}

/** What each issuer's key set endpoint has served. */
const jwksHits = () => [a, b, untrusted].map((idp) => idp.hits.jwks + idp.hits.discovery);

/** The front answers the next introspections with an active token of these members. */
function answerActive(members: Record<string, unknown>): void {
  front.mode = answering({
    active: true,
    sub: "opaque-user",
    exp: Math.floor(Date.now() / 1000) + 300,
    ...members,
  });
}

describe("mixed mode with many issuers (AUTH_ISSUERS + AUTH_INTROSPECTION_URL)", () => {
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    auth = createAuth({ env: mixedEnv(), logger: { warn() {} } });
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
  });

  it("a JWT of each issuer is verified locally with that issuer's keys: 200, no introspection", async () => {
    const calls = front.calls;
    for (const [idp, key] of [
      [a, keys.a],
      [b, keys.b],
    ] as const) {
      const res = await get(api, await signToken(key, { iss: idp.issuer, aud: API }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: "user-1", iss: idp.issuer, provider: "jwt" });
    }
    expect(front.calls).toBe(calls);
  });

  it("an opaque token is introspected: active → 200, and no JWKS ever sees it", async () => {
    const served = jwksHits();
    answerActive({ aud: API, iss: a.issuer, scope: "read" });
    const calls = front.calls;
    const res = await get(api, `opaque-${crypto.randomUUID()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "opaque-user", iss: a.issuer, provider: "introspection" });
    expect(front.calls - calls).toBe(1);
    expect(jwksHits()).toEqual(served);
  });

  it("an inactive opaque token (unknown to the mock): 401 after one introspection", async () => {
    const calls = front.calls;
    const res = await get(api, `opaque-${crypto.randomUUID()}`);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/not active/);
    expect(front.calls - calls).toBe(1);
  });

  it("a JWT of an untrusted issuer: 401 with no outbound call at all (never introspected)", async () => {
    const before = outbound();
    const evil = await signToken(keys.untrusted, { iss: untrusted.issuer, aud: API });
    const res = await get(api, evil);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/issuer \(iss\) is not trusted/);
    expect(outbound()).toBe(before);
    // A trusted issuer's name on the untrusted key (same kid): refused by that issuer's keys,
    // and not introspected either.
    const calls = front.calls;
    const forged = await signToken(keys.untrusted, { iss: a.issuer, aud: API });
    expect((await get(api, forged)).status).toBe(401);
    expect(front.calls).toBe(calls);
  });

  it("opaque-looking tokens (no JOSE header) go to introspection only, never to a JWKS", async () => {
    const served = jwksHits();
    const calls = front.calls;
    for (const token of ["aaaa.bbbb.cccc", "not-a-jwt", `${btoa("{}")}.e30.c2ln`]) {
      expect((await get(api, token)).status).toBe(401);
    }
    expect(front.calls - calls).toBe(3);
    expect(jwksHits()).toEqual(served);
  });

  it("an introspection answer naming an untrusted issuer is 401; one naming none passes", async () => {
    answerActive({ aud: API, iss: untrusted.issuer });
    const refused = await get(api, `opaque-${crypto.randomUUID()}`);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/introspection answer's issuer \(iss\) is not trusted/);
    answerActive({ aud: API });
    expect((await get(api, `opaque-${crypto.randomUUID()}`)).status).toBe(200);
  });

  it("an introspection answer for another audience is 401 (AUTH_AUDIENCE applies to both kinds)", async () => {
    answerActive({ aud: "billing-api", iss: b.issuer });
    expect((await get(api, `opaque-${crypto.randomUUID()}`)).status).toBe(401);
  });
});

describe("mixed mode with many issuers and AUTH_RESOURCE (an MCP server)", () => {
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    auth = createAuth({
      env: mixedEnv({ AUTH_RESOURCE: RESOURCE, AUTH_AUTHORIZATION_SERVERS: a.issuer }),
      logger: { warn() {} },
    });
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
  });

  it("both kinds of token must name the resource in aud", async () => {
    expect(auth.validator.resource).toBe(RESOURCE);
    const jwt = (key: FixtureKey, idp: FakeIdp, aud: unknown) =>
      signToken(key, { iss: idp.issuer, aud });
    expect((await get(api, await jwt(keys.a, a, [API, RESOURCE]))).status).toBe(200);
    expect((await get(api, await jwt(keys.b, b, [API, RESOURCE]))).status).toBe(200);
    const other = await get(api, await jwt(keys.b, b, API));
    expect(other.status).toBe(401);
    expect(other.body.message).toMatch(/does not name this resource/);
    answerActive({ aud: [API, RESOURCE], iss: b.issuer });
    expect((await get(api, `opaque-${crypto.randomUUID()}`)).status).toBe(200);
    answerActive({ aud: API, iss: b.issuer });
    expect((await get(api, `opaque-${crypto.randomUUID()}`)).status).toBe(401);
  });
});

describe("mixed mode with an issuer resolver: an answer's iss is the resolver's to accept", () => {
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    const tenants = new Map([
      ["a.tenants.test", () => a.issuer],
      ["b.tenants.test", () => b.issuer],
    ]);
    const options: AuthOptions = {
      env: { ...mixedEnv(), AUTH_ISSUERS: "" },
      issuerResolver: async (request, iss) =>
        tenants.get(request.header("host") ?? "")?.() === iss ? iss : null,
      logger: { warn() {} },
    };
    auth = createAuth(options);
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
  });

  it("the same answer passes on its tenant's host and is refused on another's", async () => {
    const token = `opaque-${crypto.randomUUID()}`;
    answerActive({ aud: API, iss: a.issuer });
    expect((await get(api, token, "a.tenants.test")).status).toBe(200);
    // The host is part of the cache key: the other tenant's request is decided afresh.
    const calls = front.calls;
    expect((await get(api, token, "b.tenants.test")).status).toBe(401);
    expect(front.calls - calls).toBe(1);
    expect(
      (await get(api, await signToken(keys.b, { iss: b.issuer, aud: API }), "b.tenants.test"))
        .status,
    ).toBe(200);
  });
});
