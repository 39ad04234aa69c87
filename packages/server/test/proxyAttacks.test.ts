import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import { listen } from "./listen.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

const TOKEN = "victim-token.abc_DEF-123";
const silent = { warn: () => {}, error: () => {} };

/** An unrelated JSON service (a health endpoint, say) that answers 200 JSON to everything. */
interface JsonService {
  port: number;
  calls: number;
  /** What get-me answers: status, content type, body. */
  answer: { status: number; type: string | undefined; body: string };
  close(): Promise<void>;
}

async function startJsonService(): Promise<JsonService> {
  const service: JsonService = {
    port: 0,
    calls: 0,
    answer: { status: 200, type: "application/json", body: '{"status":"ok"}' },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  const server: Server = createServer((_req, res) => {
    service.calls += 1;
    const { status, type, body } = service.answer;
    res.writeHead(status, type === undefined ? {} : { "content-type": type }).end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  service.port = (server.address() as AddressInfo).port;
  return service;
}

/** A README-style Express app. */
async function startApp(auth: Auth) {
  const app = express();
  app.use(ex.authMiddleware({ auth }));
  app.get("/v1/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ id: req.user?.id }));
  app.get("/v1/audit", ex.requirePermission("audit", { auth }), (_req, res) => res.json({}));
  return listen(createServer(app));
}

const bearer = { authorization: `Bearer ${TOKEN}` };

describe("proxy mode: an allow-list entry without a port", () => {
  let proxy: StandInProxy;
  let other: JsonService;
  let auth: Auth;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    proxy = await startStandInProxy({ [TOKEN]: userBody("victim", ["audit"]) });
    other = await startJsonService();
    auth = createAuth({
      env: { OXAIGEN_AUTH_ALLOWED_HOSTS: "127.0.0.1", OXAIGEN_AUTH_PROXY_SCHEME: "http" },
      logger: silent,
    });
    app = await startApp(auth);
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
    await other.close();
    await proxy.close();
  });
  afterEach(() => {
    other.calls = 0;
    proxy.calls.getMe = 0;
  });

  it("does not send the caller's token to a service on another port (401, no call)", async () => {
    const headers = { ...bearer, "x-forwarded-host": `127.0.0.1:${other.port}` };
    const me = await fetch(`${app.url}/v1/me`, { headers });
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ error: "host_not_allowed" });
    expect((await fetch(`${app.url}/v1/audit`, { headers })).status).toBe(401);
    expect(other.calls).toBe(0);
  });

  it("host:port and host:* name other ports explicitly", async () => {
    const exact = createAuth({
      env: {},
      allowedHosts: [`127.0.0.1:${new URL(proxy.url).port}`],
      proxyScheme: "http",
      logger: silent,
    });
    const any = createAuth({
      env: {},
      allowedHosts: "127.0.0.1:*",
      proxyScheme: "http",
      logger: silent,
    });
    const request = (port: number | string) => ({
      headers: { ...bearer, host: `127.0.0.1:${port}` },
    });
    expect((await exact.getCurrentUser(request(new URL(proxy.url).port))).id).toBe("victim");
    await expect(exact.getCurrentUser(request(other.port))).rejects.toMatchObject({
      code: "host_not_allowed",
    });
    expect((await any.getCurrentUser(request(new URL(proxy.url).port))).id).toBe("victim");
    expect(other.calls).toBe(0);
    await exact.close();
    await any.close();
  });
});

describe("proxy mode: what counts as a user from get-me", () => {
  let service: JsonService;
  let auth: Auth;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    service = await startJsonService();
    auth = createAuth({
      env: {},
      proxyUrlOverride: `http://127.0.0.1:${service.port}`,
      cacheTtlSeconds: 0,
      negativeCacheTtlSeconds: 0,
      logger: silent,
    });
    app = await startApp(auth);
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
    await service.close();
  });

  const json = "application/json";
  const me = async (answer: JsonService["answer"]) => {
    service.answer = answer;
    const res = await fetch(`${app.url}/v1/me`, { headers: bearer });
    return { status: res.status, body: (await res.json()) as { error?: string; id?: string } };
  };

  it('any 200 JSON object is not a user: {"status":"ok"} → 502, and no permission is granted', async () => {
    expect(await me({ status: 200, type: json, body: '{"status":"ok"}' })).toMatchObject({
      status: 502,
      body: { error: "upstream_error" },
    });
    const audit = await fetch(`${app.url}/v1/audit`, { headers: bearer });
    expect(audit.status).toBe(502);
  });

  it("the id must be a non-empty string", async () => {
    for (const id of ['""', "42", "null", '["u1"]']) {
      const body = `{"id":${id},"email":"x@example.com"}`;
      expect((await me({ status: 200, type: json, body })).status, id).toBe(502);
    }
  });

  it("a user with enabled: false is not authenticated (401 invalid_token)", async () => {
    const body = JSON.stringify({ ...userBody("u1"), enabled: false });
    expect(await me({ status: 200, type: json, body })).toMatchObject({
      status: 401,
      body: { error: "invalid_token" },
    });
  });

  it("is_authenticated: false stays an invalid token (401)", async () => {
    const body = JSON.stringify({ ...userBody("u1"), is_authenticated: false });
    expect((await me({ status: 200, type: json, body })).status).toBe(401);
  });

  it("the answer must say it is JSON (Content-Type), else 502", async () => {
    const body = JSON.stringify(userBody("u1"));
    expect((await me({ status: 200, type: "text/html", body })).status).toBe(502);
    expect((await me({ status: 200, type: "text/plain", body })).status).toBe(502);
    expect((await me({ status: 200, type: undefined, body })).status).toBe(502);
    expect((await me({ status: 200, type: "application/jsonp", body })).status).toBe(502);
    expect(await me({ status: 200, type: "application/json; charset=utf-8", body })).toEqual({
      status: 200,
      body: { id: "u1" },
    });
    expect((await me({ status: 200, type: "Application/JSON", body })).status).toBe(200);
  });
});

describe("proxy mode: a request's validation answers only for the token it checked", () => {
  const AUDITOR = "auditor-token.abc_DEF-123";
  const INTERN = "intern-token.abc_DEF-123";
  let proxy: StandInProxy;
  let auth: Auth;
  let app: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    proxy = await startStandInProxy({
      [AUDITOR]: userBody("auditor", ["audit"]),
      [INTERN]: userBody("intern"),
    });
    auth = createAuth({ env: {}, proxyUrlOverride: proxy.url, cacheTtlSeconds: 0, logger: silent });
    const swapping = express();
    swapping.use(ex.authMiddleware({ auth }));
    // A gateway step that replaces the caller's token after the middleware checked it (acting
    // for another account, say): later guards must judge the new token, not the first one.
    swapping.use((req, _res, next) => {
      const actAs = req.headers["x-act-as"];
      if (typeof actAs === "string") req.headers.authorization = `Bearer ${actAs}`;
      next();
    });
    swapping.get("/v1/me", ex.getCurrentUser({ auth }), (req, res) =>
      res.json({ id: req.user?.id }),
    );
    swapping.get("/v1/audit", ex.requirePermission("audit", { auth }), (_req, res) => res.json({}));
    app = await listen(createServer(swapping));
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
    await proxy.close();
  });

  it("a token swapped after the middleware's check is validated again (no inherited user or permission)", async () => {
    const headers = { authorization: `Bearer ${AUDITOR}`, "x-act-as": INTERN };
    const audit = await fetch(`${app.url}/v1/audit`, { headers });
    expect(audit.status).toBe(403);
    const me = await fetch(`${app.url}/v1/me`, { headers });
    expect(await me.json()).toEqual({ id: "intern" });
    // Control: without the swap the first token's user stands, from one validation.
    proxy.calls.getMe = 0;
    const own = await fetch(`${app.url}/v1/audit`, {
      headers: { authorization: `Bearer ${AUDITOR}` },
    });
    expect(own.status).toBe(200);
    expect(proxy.calls.getMe).toBe(1);
  });
});

describe("proxy mode: a flood of new tokens is bounded per instance", () => {
  let proxy: StandInProxy;
  let auth: Auth;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    proxy = await startStandInProxy();
    auth = createAuth({
      env: {},
      proxyUrlOverride: proxy.url,
      upstreamMaxConcurrency: 2,
      upstreamMaxQueue: 3,
      logger: silent,
    });
    app = await startApp(auth);
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
    await proxy.close();
  });

  it("at most upstreamMaxConcurrency calls in flight, upstreamMaxQueue waiting, the rest 503 overloaded at once", async () => {
    // The upstream answers nothing until all twelve requests are in: the first calls stay out
    // however slowly the requests arrive.
    let release = () => {};
    proxy.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    let settled = 0;
    const flood = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer bogus-${i}.x` } }).then(
          async (res) => {
            settled += 1;
            return {
              status: res.status,
              retryAfter: res.headers.get("retry-after"),
              error: ((await res.json()) as { error: string }).error,
            };
          },
        ),
      ),
    );
    // Those over the limits are answered at once; then the held calls may finish (if the limits
    // did not hold, fewer are answered early and the wait ends after 3 s instead).
    await vi
      .waitFor(() => expect(settled).toBeGreaterThanOrEqual(7), { timeout: 3_000 })
      .catch(() => undefined);
    release();
    const answers = await flood;
    expect(proxy.maxInFlight).toBe(2);
    expect(proxy.calls.getMe).toBe(5);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(7);
    for (const answer of refused)
      expect(answer).toEqual({ status: 503, retryAfter: "1", error: "overloaded" });
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
  });
});
