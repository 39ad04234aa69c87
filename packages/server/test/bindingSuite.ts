import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../src/index.js";
import { UPSTREAM_PUBLIC_MESSAGE } from "../src/kernel/errors.js";
import { describeAttacks } from "./attackSuite.js";
import { describeBackchannelLogout } from "./backchannelLogoutSuite.js";
import { describeProtectedResource } from "./protectedResourceSuite.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";
import { describeTelemetry } from "./telemetrySuite.js";

/** A running app exposing the standard routes (global auth middleware + guards), for GET and POST
 * alike (the attack suite sends unsafe methods): GET /public → { userId, authError } (middleware only), GET /me (getCurrentUser),
 * GET /maybe → { userId } (getCurrentUserOptional), GET /audit (requirePermission("audit")). */
export interface AppUnderTest {
  url: string;
  close(): Promise<void>;
}

/**
 * `routes.logout`: also mount `backchannelLogout()` as `POST /backchannel-logout`;
 * `routes.metadata`: `protectedResourceMetadata()` as `GET /.well-known/oauth-protected-resource/mcp`.
 */
export type StartApp = (
  auth: Auth,
  routes?: { logout?: boolean; metadata?: boolean },
) => Promise<AppUnderTest>;

const ALICE = "alice-token.abc_DEF-123";
const BOB = "bob-token.xyz";
const BOGUS = "bogus-token-never-valid";
const silent = { warn: () => {} };

/** The behaviour every binding must show against a real stand-in proxy on an ephemeral port. */
export function describeBinding(name: string, startApp: StartApp): void {
  describe(`${name} binding (integration)`, () => {
    let proxy: StandInProxy;
    let app: AppUnderTest;
    let auth: Auth;
    let hostAuth: Auth;
    let hostApp: AppUnderTest;
    let loggedAuth: Auth;
    let loggedApp: AppUnderTest;
    const logged: string[] = [];

    beforeAll(async () => {
      proxy = await startStandInProxy({
        [ALICE]: userBody("alice", ["audit", "read"]),
        [BOB]: userBody("bob", ["read"]),
      });
      // Caching off so every assertion about upstream calls counts one request's work.
      auth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        cacheTtlSeconds: 0,
        negativeCacheTtlSeconds: 0,
        // Generous: a loaded machine must not turn an answer into a timeout (that has its own test).
        proxyTimeoutSeconds: 5,
        logger: silent,
      });
      hostAuth = createAuth({
        env: {},
        proxyScheme: "http",
        // A port-less entry means the scheme's default port only: name the stand-in's port.
        allowedHosts: [`127.0.0.1:${new URL(proxy.url).port}`],
        logger: silent,
      });
      loggedAuth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        cacheTtlSeconds: 0,
        negativeCacheTtlSeconds: 0,
        proxyTimeoutSeconds: 5,
        logger: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
      });
      app = await startApp(auth);
      hostApp = await startApp(hostAuth);
      loggedApp = await startApp(loggedAuth);
    });

    afterAll(async () => {
      await app.close();
      await hostApp.close();
      await auth.close();
      await hostAuth.close();
      await loggedApp.close();
      await loggedAuth.close();
      await proxy.close();
    });

    afterEach(() => {
      proxy.mode = "normal";
      proxy.delayMs = 0;
      proxy.calls.getMe = 0;
      proxy.calls.permission = 0;
    });

    const get = (path: string, headers: Headers | Record<string, string> = {}, base = app.url) =>
      fetch(base + path, { headers });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it("answers 401 with a bare Bearer challenge when no token is sent, without calling upstream", async () => {
      const res = await get("/me");
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toMatchObject({ error: "unauthenticated" });
      expect(proxy.calls.getMe).toBe(0);
    });

    it("middleware attaches null user and null authError for anonymous requests", async () => {
      const res = await get("/public");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ userId: null, authError: null });
    });

    it("resolves the user from the Bearer header with ONE upstream call for middleware + guard", async () => {
      const res = await get("/me", bearer(ALICE));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ userId: "alice" });
      expect(proxy.calls.getMe).toBe(1);
    });

    it("falls back to the access cookie", async () => {
      const res = await get("/me", { cookie: `theme=dark; OxaigenPlatformAuthAccessToken=${BOB}` });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ userId: "bob" });
    });

    it("prefers the Authorization header over the cookie", async () => {
      const res = await get("/me", {
        ...bearer(BOGUS),
        cookie: `OxaigenPlatformAuthAccessToken=${ALICE}`,
      });
      expect(res.status).toBe(401);
      expect(proxy.authorizations.at(-1)).toBe(`Bearer ${BOGUS}`);
    });

    it("answers 401 invalid_token for a token the proxy rejects; optional gives null", async () => {
      const res = await get("/me", bearer(BOGUS));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: "invalid_token" });
      expect(text).not.toContain(BOGUS);
      expect(await (await get("/maybe", bearer(BOGUS))).json()).toEqual({ userId: null });
      expect(await (await get("/public", bearer(BOGUS))).json()).toEqual({
        userId: null,
        authError: "invalid_token",
      });
    });

    it("treats a malformed Authorization header as an invalid token (no upstream call)", async () => {
      const res = await get("/me", {
        authorization: "Basic abc",
        cookie: `OxaigenPlatformAuthAccessToken=${ALICE}`,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(proxy.calls.getMe).toBe(0);
    });

    it("answers 400 invalid_request for several Authorization values; the middleware records it", async () => {
      // fetch joins repeated headers with ", " (as every Web Request does) and sends one line.
      const headers = new Headers(bearer(ALICE));
      headers.append("authorization", `Bearer ${BOB}`);
      const res = await get("/me", headers);
      expect(res.status).toBe(400);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_request"');
      expect(await res.json()).toMatchObject({ error: "invalid_request" });
      expect(await (await get("/public", headers)).json()).toEqual({
        userId: null,
        authError: "invalid_request",
      });
      expect(proxy.calls.getMe).toBe(0);
    });

    it("requirePermission: 200 when granted, 403 insufficient_scope when denied, 401 when invalid", async () => {
      const ok = await get("/audit", bearer(ALICE));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ userId: "alice" });
      const denied = await get("/audit", bearer(BOB));
      expect(denied.status).toBe(403);
      expect(denied.headers.get("www-authenticate")).toBe(
        'Bearer error="insufficient_scope", scope="audit"',
      );
      expect(await denied.json()).toMatchObject({ error: "permission_denied" });
      expect((await get("/audit", bearer(BOGUS))).status).toBe(401);
      expect((await get("/audit")).status).toBe(401);
    });

    it("proxy down: middleware never blocks, guards answer 502 (optional too) without leaking the token", async () => {
      proxy.mode = "status500";
      const pub = await get("/public", bearer(ALICE));
      expect(pub.status).toBe(200);
      expect(await pub.json()).toEqual({ userId: null, authError: "upstream_error" });
      for (const path of ["/me", "/maybe", "/audit"]) {
        const res = await get(path, bearer(ALICE));
        expect(res.status, path).toBe(502);
        const text = await res.text();
        // Generic body: the upstream URL / host stay in err.message, server-side.
        expect(JSON.parse(text)).toEqual({
          error: "upstream_error",
          message: UPSTREAM_PUBLIC_MESSAGE,
        });
        expect(text).not.toContain(new URL(proxy.url).host);
        expect(text).not.toContain(ALICE);
      }
    });

    it("proxy down: middleware + guard on one request still make ONE upstream call", async () => {
      // Failures are never cached, so only the per-request memo keeps the guard from asking again.
      proxy.mode = "status500";
      expect((await get("/me", bearer(ALICE))).status).toBe(502);
      expect(proxy.calls.getMe).toBe(1);
    });

    it("logs a 5xx cause exactly once per failing request (middleware and guard share it)", async () => {
      proxy.mode = "status500";
      logged.length = 0;
      for (const path of ["/me", "/audit", "/maybe"]) {
        expect((await get(path, bearer(ALICE), loggedApp.url)).status).toBe(502);
      }
      expect(logged).toHaveLength(3);
      for (const line of logged) {
        expect(line).toMatch(/answered 502 upstream_error/);
        expect(line).not.toContain(ALICE);
      }
    });

    it("answers errors exactly alike in every binding: status, headers, JSON body", async () => {
      const answer = async (res: Response) => ({
        status: res.status,
        challenge: res.headers.get("www-authenticate"),
        type: res.headers.get("content-type"),
        cache: res.headers.get("cache-control"),
        body: await res.json(),
      });
      const common = { type: "application/json; charset=utf-8", cache: "no-store" };
      expect(await answer(await get("/me"))).toEqual({
        ...common,
        status: 401,
        challenge: "Bearer",
        body: {
          error: "unauthenticated",
          message:
            "Authentication required: send `Authorization: Bearer <token>` or the access cookie.",
        },
      });
      expect(await answer(await get("/me", bearer(BOGUS)))).toEqual({
        ...common,
        status: 401,
        challenge: 'Bearer error="invalid_token"',
        body: { error: "invalid_token", message: expect.any(String) },
      });
      expect(await answer(await get("/audit", bearer(BOB)))).toEqual({
        ...common,
        status: 403,
        challenge: expect.stringContaining('error="insufficient_scope"'),
        body: { error: "permission_denied", message: expect.any(String) },
      });
      proxy.mode = "status500";
      expect(await answer(await get("/me", bearer(ALICE)))).toEqual({
        ...common,
        status: 502,
        challenge: null,
        body: { error: "upstream_error", message: UPSTREAM_PUBLIC_MESSAGE },
      });
    });

    it("upstream timeout → 502 within the timeout", async () => {
      proxy.mode = "hang";
      const shortAuth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        proxyTimeoutSeconds: 1,
        logger: silent,
      });
      const shortApp = await startApp(shortAuth);
      try {
        const started = Date.now();
        const res = await get("/me", bearer(ALICE), shortApp.url);
        expect(res.status).toBe(502);
        expect(Date.now() - started).toBeLessThan(1_900);
      } finally {
        await shortApp.close();
        await shortAuth.close();
      }
    });

    it("single flight: 100 concurrent requests with one new token → exactly 1 upstream call", async () => {
      proxy.delayMs = 600; // keeps the first call in flight while the other requests arrive
      const token = `fresh-${name.replace(/\W/g, "")}-token`;
      proxy.users.set(token, userBody("fresh"));
      // With the cache on (as in production): on a loaded machine some of the 100 requests reach
      // the server only after the flight has landed, and those must be served from the cache, not
      // by a second upstream call. Requests that arrive during the flight must join it.
      const cachedAuth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        // Far above the 600 ms answer, so a loaded machine cannot make it a 502.
        proxyTimeoutSeconds: 5,
        logger: silent,
      });
      const cachedApp = await startApp(cachedAuth);
      try {
        const responses = await Promise.all(
          Array.from({ length: 100 }, () => get("/me", bearer(token), cachedApp.url)),
        );
        expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
        expect(proxy.calls.getMe).toBe(1);
      } finally {
        await cachedApp.close();
        await cachedAuth.close();
      }
    });

    it("host allow-list: an allowed X-Forwarded-Host is called, a forged one gets 401 with no outbound call", async () => {
      const port = new URL(proxy.url).port;
      const ok = await get(
        "/me",
        { ...bearer(ALICE), "x-forwarded-host": `127.0.0.1:${port}` },
        hostApp.url,
      );
      expect(ok.status).toBe(200);
      expect(proxy.calls.getMe).toBe(1);
      const forged = await get(
        "/me",
        { ...bearer(BOB), "x-forwarded-host": `evil.example:${port}` },
        hostApp.url,
      );
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ error: "host_not_allowed" });
      const malformed = await get(
        "/me",
        { ...bearer(BOB), "x-forwarded-host": `user@127.0.0.1:${port}` },
        hostApp.url,
      );
      expect(malformed.status).toBe(400);
      expect(proxy.calls.getMe).toBe(1);
    });
  });
  describeAttacks(name, startApp);
  describeBackchannelLogout(name, startApp);
  describeTelemetry(name, startApp);
  describeProtectedResource(name, startApp);
}
