import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { createAuth } from "../src/config/createAuth.js";
import type { Auth } from "../src/kernel/Auth.js";
import type { RequestContext } from "../src/kernel/types.js";
import { createAdapterValidator } from "../src/validators/adapters/createAdapterValidator.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { type OtelRecorder, startOtelRecorder, total } from "./otelRecorder.js";
import { untilShared } from "./sharedEntries.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

const silent = { warn: () => {} };
const randomToken = () => randomBytes(30).toString("base64url");
const bearer = (token: string): RequestContext => ({
  header: (name) => (name === "authorization" ? `Bearer ${token}` : undefined),
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recorder(options: Parameters<typeof startOtelRecorder>[0] = {}): OtelRecorder {
  const otel = startOtelRecorder(options);
  cleanups.push(() => otel.close());
  return otel;
}

async function proxyWith(users: Record<string, Record<string, unknown>>): Promise<StandInProxy> {
  const proxy = await startStandInProxy(users);
  cleanups.push(() => proxy.close());
  return proxy;
}

function authWith(options: Parameters<typeof createAuth>[0]): Auth {
  const auth = createAuth({ env: {}, logger: silent, ...options });
  cleanups.push(() => auth.close());
  return auth;
}

describe("spans", () => {
  it("each outbound call is a child of the request's active span", async () => {
    const token = randomToken();
    const proxy = await proxyWith({ [token]: userBody("alice", ["audit"]) });
    const otel = recorder();
    const auth = authWith({ proxyUrlOverride: proxy.url, telemetry: otel.telemetry });
    await otel.tracer.startActiveSpan("GET /audit", async (request) => {
      await auth.requirePermission("audit")(bearer(token));
      request.end();
    });
    const spans = otel.spans();
    const request = spans.find((span) => span.name === "GET /audit");
    const children = spans.filter((span) => span.name.startsWith("auth "));
    expect(children.map((span) => span.name).sort()).toEqual(["auth get_me", "auth permission"]);
    for (const child of children) {
      expect(child.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
      expect(child.spanContext().traceId).toBe(request?.spanContext().traceId);
    }
  });

  it("a timeout is its own outcome, on the span and the histogram", async () => {
    const token = randomToken();
    const proxy = await proxyWith({ [token]: userBody("alice") });
    proxy.mode = "hang";
    const otel = recorder();
    const auth = authWith({
      proxyUrlOverride: proxy.url,
      proxyTimeoutSeconds: 0.2,
      telemetry: otel.telemetry,
    });
    await expect(auth.getCurrentUser(bearer(token))).rejects.toMatchObject({ status: 502 });
    const [span] = otel.spans();
    expect(span?.attributes).toMatchObject({
      "auth.upstream.outcome": "timeout",
      "error.type": "timeout",
    });
    expect(span?.status.code).toBe(2);
    const points = await otel.points();
    expect(total(points, "auth.upstream.duration", { "auth.upstream.outcome": "timeout" })).toBe(1);
  });

  it("puts the user id on the active span only when the app opts in", async () => {
    const token = randomToken();
    const proxy = await proxyWith({ [token]: userBody("alice") });
    for (const userIds of [false, true]) {
      const otel = recorder({ userIds });
      const auth = authWith({ proxyUrlOverride: proxy.url, telemetry: otel.telemetry });
      await otel.tracer.startActiveSpan("GET /me", async (request) => {
        await auth.getCurrentUser(bearer(token));
        request.end();
      });
      const request = otel.spans().find((span) => span.name === "GET /me");
      expect(request?.attributes["enduser.id"]).toBe(userIds ? "alice" : undefined);
    }
  });
});

describe("local JWT validation", () => {
  let key: FixtureKey;
  let idp: FakeIdp;
  beforeAll(async () => {
    key = await makeKey("RS256", "k1");
    idp = await startFakeIdp([key]);
  });
  afterAll(() => idp.close());

  it("reports discovery and the JWKS as upstream calls, and an expired token as expired_token", async () => {
    const otel = recorder();
    const auth = authWith({
      env: { AUTH_PROVIDER: "jwt", AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api" },
      telemetry: otel.telemetry,
    });
    const good = await signToken(key, { aud: "api", iss: idp.issuer });
    const now = Math.floor(Date.now() / 1000);
    const expired = await signToken(key, {
      aud: "api",
      iss: idp.issuer,
      iat: now - 3600,
      exp: now - 600,
    });
    await expect(auth.getCurrentUser(bearer(good))).resolves.toMatchObject({ id: "user-1" });
    await expect(auth.getCurrentUser(bearer(expired))).rejects.toMatchObject({ status: 401 });
    const points = await otel.points();
    for (const operation of ["discovery", "jwks"]) {
      expect(
        total(points, "auth.upstream.duration", {
          "auth.upstream.operation": operation,
          "auth.upstream.outcome": "ok",
          "http.response.status_code": 200,
        }),
      ).toBe(1);
    }
    expect(
      total(points, "auth.decisions", {
        "auth.decision.outcome": "refused",
        "auth.decision.reason": "expired_token",
        "http.response.status_code": 401,
      }),
    ).toBe(1);
    expect(otel.spans().map((span) => span.name)).toEqual(["auth discovery", "auth jwks"]);
    const exported = await otel.exported();
    for (const token of [good, expired]) {
      for (const part of token.split(".")) expect(exported).not.toContain(part);
    }
  });
});

describe("upstream limiter", () => {
  it("counts refusals, reports its queue, and health says saturated until it drains", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const entered: string[] = [];
    const validator = createAdapterValidator("slow", {
      validateToken: async (token) => {
        entered.push(token);
        await gate;
        return { userId: "u" };
      },
    });
    const otel = recorder();
    const auth = authWith({
      validator,
      upstreamMaxConcurrency: 1,
      upstreamMaxQueue: 1,
      telemetry: otel.telemetry,
    });
    const first = auth.getCurrentUser(bearer(randomToken()));
    const second = auth.getCurrentUser(bearer(randomToken()));
    await expect.poll(() => entered.length).toBe(1);
    await expect(auth.getCurrentUser(bearer(randomToken()))).rejects.toMatchObject({
      status: 503,
    });
    const points = await otel.points();
    expect(total(points, "auth.limiter.refusals")).toBe(1);
    expect(total(points, "auth.limiter.active")).toBe(1);
    expect(total(points, "auth.limiter.queued")).toBe(1);
    expect(
      total(points, "auth.decisions", {
        "auth.decision.reason": "overloaded",
        "http.response.status_code": 503,
      }),
    ).toBe(1);
    const saturated = await auth.health();
    expect(saturated.ready).toBe(false);
    expect(saturated.checks.limiter).toMatchObject({ status: "failing", active: 1, queued: 1 });
    release();
    await Promise.all([first, second]);
    const drained = await auth.health();
    expect(drained.ready).toBe(true);
    expect(drained.checks.limiter.status).toBe("ok");
  });
});

describe("auth.health()", () => {
  it("a failing validator makes it unready until an upstream answer comes back", async () => {
    const token = randomToken();
    const proxy = await proxyWith({ [token]: userBody("alice") });
    const auth = authWith({ proxyUrlOverride: proxy.url, cacheTtlSeconds: 0 });
    expect(await auth.health()).toMatchObject({
      ready: true,
      checks: { validator: { status: "ok" }, redis: { status: "ok" } },
    });
    proxy.mode = "status500";
    await expect(auth.getCurrentUser(bearer(token))).rejects.toMatchObject({ status: 502 });
    const failing = await auth.health();
    expect(failing.ready).toBe(false);
    expect(failing.checks.validator.status).toBe("failing");
    expect(failing.checks.validator.detail).toContain("upstream_error");
    proxy.mode = "normal";
    // A 401 is an answer too: the upstream is reachable.
    await expect(auth.getCurrentUser(bearer(randomToken()))).rejects.toMatchObject({
      status: 401,
    });
    expect((await auth.health()).ready).toBe(true);
  });
});

describe("decision lines through a pino-compatible logger", () => {
  it("gets the fields first and the message second, at debug for a 401 and error for a 502", async () => {
    const calls: Array<{ level: string; args: unknown[] }> = [];
    const pinoLike = {
      bindings: () => ({}),
      isLevelEnabled: () => true,
      warn: (...args: unknown[]) => calls.push({ level: "warn", args }),
      error: (...args: unknown[]) => calls.push({ level: "error", args }),
      debug: (...args: unknown[]) => calls.push({ level: "debug", args }),
    };
    const proxy = await proxyWith({});
    const auth = authWith({ proxyUrlOverride: proxy.url, logger: pinoLike });
    const token = randomToken();
    await expect(auth.getCurrentUser(bearer(token))).rejects.toMatchObject({ status: 401 });
    proxy.mode = "status500";
    await expect(auth.getCurrentUser(bearer(randomToken()))).rejects.toMatchObject({
      status: 502,
    });
    expect(calls.map((call) => call.level)).toEqual(["debug", "error"]);
    expect(calls[0]?.args).toEqual([
      {
        event: "auth.decision",
        outcome: "refused",
        reason: "invalid_token",
        status: 401,
        code: "invalid_token",
      },
      "@org/auth-server: refused 401 invalid_token",
    ]);
    expect(calls[1]?.args[0]).toEqual({
      event: "auth.decision",
      outcome: "refused",
      reason: "upstream_error",
      status: 502,
      code: "upstream_error",
    });
    expect(calls[1]?.args[1]).toMatch(/^@org\/auth-server: answered 502 upstream_error: /);
    expect(JSON.stringify(calls)).not.toContain(token);
  });

  it("a pino logger below debug level gets no refusal line", async () => {
    const debug: unknown[] = [];
    const proxy = await proxyWith({});
    const auth = authWith({
      proxyUrlOverride: proxy.url,
      logger: {
        warn: () => {},
        debug: (...args: unknown[]) => debug.push(args),
        bindings: () => ({}),
        isLevelEnabled: (level: string) => level !== "debug",
      } as never,
    });
    await expect(auth.getCurrentUser(bearer(randomToken()))).rejects.toMatchObject({
      status: 401,
    });
    expect(debug).toEqual([]);
  });
});

describe("on a real Redis", () => {
  let redis: RedisUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.close());

  it("counts shared-cache lookups, revocations published and received with their delay, and the link", async () => {
    const token = randomToken();
    const proxy = await proxyWith({ [token]: userBody("alice") });
    const otelA = recorder();
    const otelB = recorder();
    const options = { proxyUrlOverride: proxy.url, redis: { url: redis.url, prefix: "otel:" } };
    const a = authWith({ ...options, telemetry: otelA.telemetry });
    const b = authWith({ ...options, telemetry: otelB.telemetry });
    await Promise.all([a.ready(), b.ready()]);
    expect((await a.health()).checks.redis.status).toBe("ok");
    await a.getCurrentUser(bearer(token));
    await untilShared(redis.url, "otel:");
    // b finds a's answer in Redis: a hit at the shared level, no upstream call.
    await b.getCurrentUser(bearer(token));
    expect(proxy.calls.getMe).toBe(1);
    await a.revoke({ sub: "alice" });
    const pointsB = () => otelB.points();
    await expect
      .poll(async () => total(await pointsB(), "auth.revocations.received"), { timeout: 5000 })
      .toBe(1);
    const a1 = await otelA.points();
    const b1 = await otelB.points();
    expect(
      total(a1, "auth.cache.lookups", { "auth.cache.level": "redis", "auth.cache.result": "miss" }),
    ).toBe(1);
    expect(
      total(b1, "auth.cache.lookups", { "auth.cache.level": "redis", "auth.cache.result": "hit" }),
    ).toBe(1);
    expect(total(a1, "auth.revocations.published", { "auth.revocation.type": "revoke" })).toBe(1);
    expect(total(b1, "auth.revocations.delay", { "auth.revocation.type": "revoke" })).toBe(1);
    expect(total(b1, "auth.redis.link", { "auth.redis.connection": "command" })).toBe(1);
    expect(total(b1, "auth.redis.link", { "auth.redis.connection": "subscriber" })).toBe(1);
    expect(await otelB.exported()).not.toContain(token);
  });

  it("health fails while Redis is unreachable (fail-closed) and degrades with fail-open", async () => {
    // Nobody listens there: both connections stay down.
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const proxy = await proxyWith({});
    const strict = authWith({ proxyUrlOverride: proxy.url, redis: { url: closed } });
    const open = authWith({
      proxyUrlOverride: proxy.url,
      redis: { url: closed },
      redisFailOpen: true,
    });
    await Promise.all([strict.ready().catch(() => {}), open.ready().catch(() => {})]);
    const failing = await strict.health();
    expect(failing.ready).toBe(false);
    expect(failing.checks.redis.status).toBe("failing");
    const degraded = await open.health();
    expect(degraded.ready).toBe(true);
    expect(degraded.checks.redis.status).toBe("degraded");
  });
});
