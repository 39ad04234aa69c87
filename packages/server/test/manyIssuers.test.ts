import { createServer, request, type Server } from "node:http";
import express from "express";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as node from "../src/bindings/node/index.js";
import {
  type Auth,
  type AuthOptions,
  createAuth,
  type MultiIssuerValidator,
} from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { listen } from "./listen.js";
import { CLIENT, type OidcProvider, startOidcProvider as startOp } from "./startOidcProvider.js";

// Every issuer below publishes its key under the same kid: a key must never cross issuers.
const KID = "shared-kid";
const API = "https://api.example/orders";
const OTHER_API = "https://api.example/billing";
type Op = OidcProvider;

/** Two providers alike but for their issuer URL and key (published under the same kid). */
const startOidcProvider = () =>
  startOp({ keys: [{ alg: "RS256", kid: KID }], scopes: ["read"], defaultResource: API });

const issue = (op: Op, resource = API): Promise<string> => op.token(resource);

/** A GET over real HTTP with the Host header a tenant's clients send. */
function get(
  api: AppUnderTest,
  token: string,
  host?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (host !== undefined) headers.host = host;
    const req = request(`${api.url}/me`, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function startApi(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  app.get("/me", ex.getCurrentUser({ auth }), (req, res) =>
    res.json({ id: req.user?.id, roles: req.user?.roles, iss: req.user?.claims?.iss }),
  );
  return listen(createServer(app));
}

/** Runs `tasks` with at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

const quiet = { warn() {} };
let a: Op;
let b: Op;
let c: FakeIdp;
let cKey: FixtureKey;
/** Never trusted: every request it receives is a failure of the SDK. */
let untrusted: FakeIdp;
let untrustedKey: FixtureKey;
const started: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  // oidc-provider prints development notices; keep the test output clean.
  vi.spyOn(console, "warn").mockImplementation(() => {});
  vi.spyOn(console, "info").mockImplementation(() => {});
  [a, b] = await Promise.all([startOidcProvider(), startOidcProvider()]);
  cKey = await makeKey("ES256", KID);
  untrustedKey = await makeKey("RS256", KID);
  c = await startFakeIdp([cKey], "/jose");
  untrusted = await startFakeIdp([untrustedKey], "/untrusted");
  started.push(a, b, c, untrusted);
});
afterAll(async () => {
  for (const server of started) await server.close();
  vi.restoreAllMocks();
});

/** The calls every issuer has served so far. */
const outbound = () => ({
  a: a.served(),
  b: b.served(),
  c: c.hits.discovery + c.hits.jwks,
  untrusted: untrusted.hits.discovery + untrusted.hits.jwks,
});

const cToken = (claims: Record<string, unknown> = {}) =>
  signToken(cKey, { iss: c.issuer, aud: API, sub: "carol", ...claims });

describe("three issuers from independent software: AUTH_ISSUERS sharing AUTH_AUDIENCE", () => {
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    auth = createAuth({
      env: {
        AUTH_PROVIDER: "jwt",
        AUTH_ISSUERS: `${a.issuer},${b.issuer},${c.issuer}`,
        AUTH_AUDIENCE: API,
      },
      logger: quiet,
    });
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
  });

  it("accepts each issuer's tokens, each verified with its own discovery and keys", async () => {
    for (const [token, iss, id] of [
      [await issue(a), a.issuer, CLIENT.id],
      [await issue(b), b.issuer, CLIENT.id],
      [await cToken(), c.issuer, "carol"],
    ] as const) {
      const res = await get(api, token);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ id, iss });
    }
    expect(c.hits).toEqual({ discovery: 1, jwks: 1 });
    // Web Request (Next.js, Workers, Bun): the same guards.
    const user = await node.getCurrentUser(
      new Request("https://orders.example/me", {
        headers: { authorization: `Bearer ${await issue(b)}` },
      }),
      { auth },
    );
    expect(user.claims?.iss).toBe(b.issuer);
  });

  it("refuses a token from an untrusted issuer with 401 before any network call", async () => {
    const before = outbound();
    const token = await signToken(untrustedKey, { iss: untrusted.issuer, aud: API });
    const res = await get(api, token);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).message).toMatch(/issuer \(iss\) is not trusted/);
    expect(res.body).not.toContain(untrusted.issuer);
    expect(outbound()).toEqual(before);
    expect(untrusted.hits).toEqual({ discovery: 0, jwks: 0 });
  });

  it("never verifies one issuer's token with another's key, although both use one kid", async () => {
    // Every issuer's keys are cached by now (the first test), under the same kid.
    const aKey = await importJWK(a.privateJwk, "RS256");
    const asA = await signToken(cKey, { iss: a.issuer, aud: API }); // C's key, A's name
    const asC = await new SignJWT({ iss: c.issuer, aud: API, sub: "mallory" })
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(aKey); // A's key, C's name
    const asB = await new SignJWT({ iss: b.issuer, aud: API, sub: "mallory" })
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(aKey); // A's key, B's name (same algorithm, same kid)
    for (const forged of [asA, asC, asB]) expect((await get(api, forged)).status).toBe(401);
    // A's key still verifies A's own tokens.
    expect((await get(api, await issue(a))).status).toBe(200);
  });

  it("a flood of tokens naming random issuers: all 401, no outbound call", async () => {
    const before = outbound();
    const tokens = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        signToken(untrustedKey, { iss: `${untrusted.issuer}/${i}-${Math.random()}`, aud: API }),
      ),
    );
    const statuses: number[] = [];
    await pool(tokens, 16, async (token) => {
      statuses.push((await get(api, token)).status);
    });
    expect(statuses.filter((status) => status === 401)).toHaveLength(300);
    expect(outbound()).toEqual(before);
  });
});

describe("the issuers option: per-issuer audience and JWKS URL", () => {
  it("checks each issuer's own audience; a JWKS URL skips discovery", async () => {
    const jwksUrl = c.jwksUrl;
    const before = c.hits.discovery;
    const auth = createAuth({
      env: {},
      issuers: [
        { issuer: a.issuer, audience: API },
        { issuer: b.issuer, audience: OTHER_API },
        { issuer: c.issuer, audience: [API, OTHER_API], jwksUrl },
      ],
      logger: quiet,
    });
    const api = await startApi(auth);
    try {
      expect(auth.validator.name).toBe("jwt");
      expect((await get(api, await issue(a, API))).status).toBe(200);
      expect((await get(api, await issue(a, OTHER_API))).status).toBe(401);
      expect((await get(api, await issue(b, OTHER_API))).status).toBe(200);
      expect((await get(api, await issue(b, API))).status).toBe(401);
      expect((await get(api, await cToken({ aud: OTHER_API }))).status).toBe(200);
      expect(c.hits.discovery).toBe(before);
    } finally {
      await api.close();
      await auth.close();
    }
  });
});

describe("a resolver per Host (issuers known only at request time)", () => {
  const tenants = new Map<string, () => string>([
    ["a.tenants.test", () => a.issuer],
    ["b.tenants.test", () => b.issuer],
  ]);
  let auth: Auth;
  let api: AppUnderTest;
  const calls: Array<{ host: string | undefined; iss: string }> = [];

  beforeAll(async () => {
    const options: AuthOptions = {
      env: { AUTH_AUDIENCE: API },
      issuerResolver: {
        headers: ["host"],
        resolve: async (req, iss) => {
          const host = req.header("host");
          calls.push({ host, iss });
          return tenants.get(host ?? "")?.() === iss ? iss : null;
        },
      },
      logger: quiet,
    };
    auth = createAuth(options);
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
  });

  it("accepts a tenant's token on its own host only, and caches per host", async () => {
    const token = await issue(a);
    expect((await get(api, token, "a.tenants.test")).status).toBe(200);
    expect((await get(api, token, "a.tenants.test")).status).toBe(200); // cached
    // The answer cached for a.tenants.test is never served to another tenant's host.
    const before = outbound();
    expect((await get(api, token, "b.tenants.test")).status).toBe(401);
    expect((await get(api, token, "unknown.test")).status).toBe(401);
    expect(outbound()).toEqual(before);
    expect((await get(api, await issue(b), "b.tenants.test")).status).toBe(200);
    expect(calls.filter((call) => call.iss === a.issuer).map((call) => call.host)).toEqual([
      "a.tenants.test",
      "b.tenants.test",
      "unknown.test",
    ]);
    // Web Request: the host comes from the URL.
    const user = await node.getCurrentUser(
      new Request("https://b.tenants.test/me", {
        headers: { authorization: `Bearer ${await issue(b)}` },
      }),
      { auth },
    );
    expect(user.claims?.iss).toBe(b.issuer);
  });

  it("a flood of random issuers: one resolver call per token, no outbound call", async () => {
    const before = outbound();
    const resolved = calls.length;
    const tokens = await Promise.all(
      Array.from({ length: 200 }, () =>
        signToken(untrustedKey, { iss: `${untrusted.issuer}/${Math.random()}`, aud: API }),
      ),
    );
    await pool(tokens, 16, async (token) => {
      expect((await get(api, token, "a.tenants.test")).status).toBe(401);
    });
    expect(calls.length - resolved).toBe(200);
    expect(outbound()).toEqual(before);
    expect((auth.validator as MultiIssuerValidator).resolvedIssuerCount).toBe(2);
  });

  it("a resolver reading a header it did not declare fails closed (500), uncached", async () => {
    const sneaky = createAuth({
      env: { AUTH_AUDIENCE: API },
      issuerResolver: async (req, iss) => (req.header("x-tenant") === "a" ? iss : null),
      logger: quiet,
    });
    const api2 = await startApi(sneaky);
    try {
      const res = await get(api2, await issue(a));
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body).error).toBe("configuration_error");
    } finally {
      await api2.close();
      await sneaky.close();
    }
  });
});

/** A jose-made provider with one issuer per tenant path, `/tenants/{id}`, counting requests. */
async function startTenantIdp(key: FixtureKey) {
  let served = 0;
  const server: Server = createServer((req, res) => {
    served++;
    const match = /^\/tenants\/([a-z0-9-]+)\/(\.well-known\/openid-configuration|jwks)$/.exec(
      req.url ?? "",
    );
    if (match === null) return void res.writeHead(404).end();
    const issuer = `${base}/tenants/${match[1]}`;
    const body =
      match[2] === "jwks" ? { keys: [key.publicJwk] } : { issuer, jwks_uri: `${issuer}/jwks` };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  const app = await listen(server);
  const base = app.url;
  return { base, served: () => served, close: () => app.close() };
}

describe("a resolver that trusts many issuers keeps at most maxIssuers of them", () => {
  it("memory and outbound calls stay bounded under a flood of trusted issuers", async () => {
    const key = await makeKey("ES256", KID);
    const idp = await startTenantIdp(key);
    started.push(idp);
    const auth = createAuth({
      env: { AUTH_AUDIENCE: API },
      issuerResolver: {
        headers: [],
        maxIssuers: 5,
        resolve: async (_req, iss) => (iss.startsWith(`${idp.base}/tenants/`) ? iss : null),
      },
      logger: quiet,
    });
    const validator = auth.validator as MultiIssuerValidator;
    const api = await startApi(auth);
    const tenant = (i: number) =>
      signToken(key, { iss: `${idp.base}/tenants/t${i}`, aud: API, sub: `user-${i}` });
    try {
      const ids = Array.from({ length: 40 }, (_, i) => i);
      let largest = 0;
      await pool(ids, 4, async (i) => {
        expect((await get(api, await tenant(i))).status).toBe(200);
        largest = Math.max(largest, validator.resolvedIssuerCount);
      });
      expect(largest).toBeLessThanOrEqual(5);
      // Each issuer cost one discovery and one JWKS fetch, never more.
      expect(idp.served()).toBe(80);
      // A recent issuer is still cached (no call); an early one was evicted (fetched again).
      expect((await get(api, await tenant(39))).status).toBe(200);
      expect(idp.served()).toBe(80);
      expect((await get(api, await tenant(0))).status).toBe(200);
      expect(idp.served()).toBe(82);
      expect(validator.resolvedIssuerCount).toBeLessThanOrEqual(5);
    } finally {
      await api.close();
      await auth.close();
    }
  });
});

describe("Azure AD multi-tenant: a {tenantid} issuer", () => {
  const T1 = "11111111-1111-4111-8111-111111111111";
  const T2 = "22222222-2222-4222-8222-222222222222";
  let idp: FakeIdp;
  let key: FixtureKey;
  let auth: Auth;
  let api: AppUnderTest;

  beforeAll(async () => {
    key = await makeKey("RS256", KID);
    idp = await startFakeIdp([key], "");
    auth = createAuth({
      env: { AUTH_PROVIDER: "azure", AUTH_AUDIENCE: "api-client-id" },
      issuers: [{ issuer: `${idp.issuer}/{tenantid}/v2.0`, jwksUrl: idp.jwksUrl }],
      logger: quiet,
    });
    api = await startApi(auth);
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    await idp.close();
  });

  const azureToken = (tenant: string, tid: string | undefined = tenant) =>
    signToken(key, {
      iss: `${idp.issuer}/${tenant}/v2.0`,
      aud: "api-client-id",
      oid: `oid-${tid}`,
      ...(tid === undefined ? {} : { tid }),
    });

  it("accepts every tenant with the keys all tenants share (one fetch), user id from oid", async () => {
    for (const tenant of [T1, T2]) {
      const res = await get(api, await azureToken(tenant));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).id).toBe(`oid-${tenant}`);
    }
    expect(idp.hits).toEqual({ discovery: 0, jwks: 1 });
  });

  it("refuses a tid that is not the issuer's tenant, and an issuer that is not a tenant's", async () => {
    expect((await get(api, await azureToken(T1, T2))).status).toBe(401);
    expect((await get(api, await azureToken(T1, ""))).status).toBe(401);
    const before = idp.hits.jwks;
    expect((await get(api, await azureToken("common"))).status).toBe(401);
    expect(idp.hits.jwks).toBe(before);
  });
});

describe("Keycloak: one realm per tenant (AUTH_PROVIDER=keycloak with AUTH_ISSUERS)", () => {
  it("each realm's certs (no discovery), realm and client roles, azp as audience", async () => {
    const key = await makeKey("RS256", KID);
    const other = await makeKey("RS256", KID);
    const [realmA, realmB] = await Promise.all([
      startFakeIdp([key], "/realms/tenant-a"),
      startFakeIdp([other], "/realms/tenant-b"),
    ]);
    started.push(realmA, realmB);
    const auth = createAuth({
      env: {
        AUTH_PROVIDER: "keycloak",
        AUTH_ISSUERS: `${realmA.issuer},${realmB.issuer}`,
        AUTH_AUDIENCE: "orders-api",
      },
      logger: quiet,
    });
    const api = await startApi(auth);
    try {
      const claims = {
        aud: "account",
        azp: "orders-api",
        realm_access: { roles: ["member"] },
        resource_access: { "orders-api": { roles: ["editor"] } },
      };
      const res = await get(api, await signToken(key, { ...claims, iss: realmA.issuer }));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).roles).toEqual(["member", "editor"]);
      expect(
        (await get(api, await signToken(other, { ...claims, iss: realmB.issuer }))).status,
      ).toBe(200);
      // Realm B's key, realm A's name.
      expect(
        (await get(api, await signToken(other, { ...claims, iss: realmA.issuer }))).status,
      ).toBe(401);
      expect(realmA.hits).toEqual({ discovery: 0, jwks: 1 });
      expect(realmB.hits).toEqual({ discovery: 0, jwks: 1 });
    } finally {
      await api.close();
      await auth.close();
    }
  });
});

describe("many issuers on a shared Redis level", () => {
  it("instances with the same issuers share answers; an API with other issuers never sees them", async () => {
    const { startRedis } = await import("../../../scripts/testing/startRedis.mjs");
    const redis = await startRedis();
    const key = await makeKey("ES256", KID);
    const [one, two] = await Promise.all([
      startFakeIdp([key], "/one"),
      startFakeIdp([key], "/two"), // the same key pair: only the issuer tells them apart
    ]);
    const shared = { url: redis.url, prefix: "many:" };
    const make = (issuers: string[]) =>
      createAuth({ env: { AUTH_AUDIENCE: API }, issuers, redis: shared, logger: quiet });
    const x = make([one.issuer, two.issuer]);
    const y = make([two.issuer, one.issuer]);
    const onlyOne = make([one.issuer]);
    const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    try {
      await Promise.all([x.ready(), y.ready(), onlyOne.ready()]);
      const token = await signToken(key, { iss: two.issuer, aud: API, sub: "tenant-two-user" });
      expect((await x.getCurrentUser(req(token))).id).toBe("tenant-two-user");
      const fetched = { ...two.hits };
      // y trusts the same issuers: it takes x's answer from Redis, without fetching any key.
      expect((await y.getCurrentUser(req(token))).id).toBe("tenant-two-user");
      expect(two.hits).toEqual(fetched);
      // An API that does not trust issuer two refuses the token, whatever Redis holds.
      await expect(onlyOne.getCurrentUser(req(token))).rejects.toMatchObject({ status: 401 });
      expect(two.hits).toEqual(fetched);
    } finally {
      for (const auth of [x, y, onlyOne]) await auth.close();
      await Promise.all([one.close(), two.close()]);
      await redis.close();
    }
  });
});
