// AUTH_RESOURCE (RFC 8707) in introspection mode, over real HTTP: the mock's RFC 7662 endpoint
// behind a counting front, an Express API, and Redis for answers shared between instances.
import { createServer } from "node:http";
import { type MockServer, startMockServer } from "@org/auth-mock-server";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import {
  answering,
  type IntrospectionFront,
  startIntrospectionFront,
} from "./introspectionFront.js";
import { listen } from "./listen.js";
import { untilShared } from "./sharedEntries.js";

const CLIENT = { id: "mock-client", secret: "mock-client-secret" };
const RESOURCE = "http://127.0.0.1:8931/mcp";
const OTHER_RESOURCE = "http://127.0.0.1:8932/mcp";
/** The mock's default audience (`OXAIGEN_AUTH_MOCK_AUDIENCE`). */
const AUDIENCE = "oxaigen-mock";

/** A logger that keeps every line, to show the refusal's reason and that no token is logged. */
function recordingLogger() {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, logger: { warn: keep, error: keep, debug: keep } };
}

/** Introspection mode for `resource`, with the mock's confidential client. */
function resourceEnv(mock: MockServer, url: string, resource: string) {
  return {
    AUTH_PROVIDER: "introspection",
    AUTH_INTROSPECTION_URL: url,
    AUTH_CLIENT_ID: CLIENT.id,
    AUTH_CLIENT_SECRET: CLIENT.secret,
    AUTH_ISSUER: mock.url,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_RESOURCE: resource,
    AUTH_AUTHORIZATION_SERVERS: mock.url,
    AUTH_HTTP_TIMEOUT_SECONDS: "2",
  };
}

async function startApi(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  app.get("/mcp", ex.getCurrentUser({ auth }), (req, res) => res.json({ id: req.user?.id }));
  return listen(createServer(app));
}

const get = (api: AppUnderTest, token: string) =>
  fetch(`${api.url}/mcp`, { headers: { authorization: `Bearer ${token}` } });

describe("AUTH_RESOURCE with AUTH_PROVIDER=introspection", () => {
  let mock: MockServer;
  let front: IntrospectionFront;
  let auth: Auth;
  let api: AppUnderTest;
  const log = recordingLogger();

  beforeAll(async () => {
    mock = await startMockServer({ permissions: [] });
    front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
    auth = createAuth({ env: resourceEnv(mock, front.url, RESOURCE), logger: log.logger });
    expect(auth.validator.resource).toBe(RESOURCE);
    api = await startApi(auth);
  });
  afterEach(() => {
    front.mode = { kind: "forward" };
  });
  afterAll(async () => {
    await api.close();
    await auth.close();
    await front.close();
    await mock.close();
  });

  const mint = (audience: string | string[]) =>
    mock.mock.mintToken({ sub: "mock-admin", audience });

  it("an answer whose aud names the resource (and the audience) is a user", async () => {
    const res = await get(api, await mint([AUDIENCE, RESOURCE]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "mock-admin-id" });
  });

  it("a token minted for another resource is 401 invalid_token: the reason is logged, never the token", async () => {
    const lines = log.lines.length;
    const token = await mint([AUDIENCE, OTHER_RESOURCE]);
    const res = await get(api, token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", resource_metadata="http://127.0.0.1:8931/.well-known/oauth-protected-resource/mcp"',
    );
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("invalid_token");
    expect(body.message).toMatch(/does not name this resource \(AUTH_RESOURCE\)/);
    const logged = log.lines.slice(lines);
    expect(logged).toContain("@org/auth-server: refused 401 wrong_audience");
    expect(logged.join("\n")).not.toContain(token);
  });

  it("the API's audience alone is not enough: the resource must be named too", async () => {
    const res = await get(api, await mint(AUDIENCE));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/AUTH_RESOURCE/);
  });

  it("the aud of an answer may be a plain string naming the resource (RFC 7662)", async () => {
    const api2Auth = createAuth({
      env: { ...resourceEnv(mock, front.url, RESOURCE), AUTH_AUDIENCE: "" },
      logger: log.logger,
    });
    const api2 = await startApi(api2Auth);
    try {
      // No AUTH_AUDIENCE: the resource is the audience, as in JWT mode.
      expect((await get(api2, await mint(RESOURCE))).status).toBe(200);
      expect((await get(api2, await mint(AUDIENCE))).status).toBe(401);
    } finally {
      await api2.close();
      await api2Auth.close();
    }
  });

  it.each([
    ["no aud", {}],
    ["an empty aud list", { aud: [] }],
  ])(
    "an answer with %s is refused (fail closed), also with AUTH_VERIFY_AUDIENCE=false",
    async (_what, aud) => {
      const lax = createAuth({
        env: { ...resourceEnv(mock, front.url, RESOURCE), AUTH_VERIFY_AUDIENCE: "false" },
        logger: log.logger,
      });
      const laxApi = await startApi(lax);
      front.mode = answering({
        active: true,
        sub: "mock-admin-id",
        iss: mock.url,
        exp: Math.floor(Date.now() / 1000) + 300,
        ...aud,
      });
      try {
        for (const target of [api, laxApi]) {
          const res = await get(target, `opaque-${crypto.randomUUID()}`);
          expect(res.status).toBe(401);
          expect(((await res.json()) as { message: string }).message).toMatch(
            "aud" in aud ? /does not name this resource/ : /names no audience \(aud\)/,
          );
        }
      } finally {
        await laxApi.close();
        await lax.close();
      }
    },
  );
});

describe("AUTH_RESOURCE and the shared level: an answer never serves another resource", () => {
  let redis: RedisUnderTest;
  let mock: MockServer;
  let front: IntrospectionFront;

  beforeAll(async () => {
    redis = await startRedis();
    mock = await startMockServer();
    front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
  });
  afterAll(async () => {
    await front.close();
    await mock.close();
    await redis.close();
  });

  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("two APIs on one Redis (same endpoint, client, audience), other resources: each asks and decides itself", async () => {
    const instance = (resource: string) =>
      createAuth({
        env: {
          ...resourceEnv(mock, front.url, resource),
          AUTH_REDIS_URL: redis.url,
          AUTH_REDIS_PREFIX: "res:",
        },
        logger: { warn() {} },
      });
    const a = instance(RESOURCE);
    const a2 = instance(RESOURCE);
    const b = instance(OTHER_RESOURCE);
    try {
      await Promise.all([a.ready(), a2.ready(), b.ready()]);
      expect(a.validator.identity).not.toBe(b.validator.identity);
      const token = await mock.mock.mintToken({
        sub: "mock-admin",
        audience: [AUDIENCE, RESOURCE],
      });
      const before = front.calls;
      expect((await a.getCurrentUser(req(token))).id).toBe("mock-admin-id");
      await untilShared(redis.url, "res:");
      // The same resource shares the answer through Redis: no second call.
      expect((await a2.getCurrentUser(req(token))).id).toBe("mock-admin-id");
      expect(front.calls - before).toBe(1);
      // Another resource never sees it: it introspects on its own and refuses the token.
      await expect(b.getCurrentUser(req(token))).rejects.toMatchObject({ status: 401 });
      expect(front.calls - before).toBe(2);
    } finally {
      await Promise.all([a.close(), a2.close(), b.close()]);
    }
  });
});
