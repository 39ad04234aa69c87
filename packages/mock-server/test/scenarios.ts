import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { expect } from "vitest";
import type { MockAuthOptions } from "../src/handler/createMockAuth.js";
import { callbackData, type Harness, runCallbackPage } from "./harness.js";

/** One behaviour, run once over real HTTP and once through the msw handlers. */
export interface Scenario {
  name: string;
  options?: MockAuthOptions;
  run(h: Harness): Promise<void>;
}

const APP = "http://localhost:5173";
const DEV = { authorization: "Bearer mock-dev-token" };
const STATE = "Zm9vYmFyYmF6cXV4LXN0YXRlLTAxMjM0NTY3ODlhYmNkZWY";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: APP },
  body: JSON.stringify(body),
});

/** Follow login → mock-authorize → callback by hand; returns the callback response. */
async function loginChain(h: Harness, query: string): Promise<Response> {
  const login = await h.fetch(`/_oxa_auth/login?${query}`);
  expect(login.status).toBe(302);
  const authorize = await h.fetch(pathOf(h, login.headers.get("location")));
  expect(authorize.status).toBe(302);
  return h.fetch(pathOf(h, authorize.headers.get("location")));
}

function pathOf(h: Harness, location: string | null): string {
  expect(location).toBeTruthy();
  const url = new URL(location as string);
  expect(url.origin).toBe(h.baseUrl);
  return url.pathname + url.search;
}

async function loginCode(h: Harness, state = STATE): Promise<string> {
  const page = await (
    await loginChain(h, `state=${state}&origin=${encodeURIComponent(APP)}`)
  ).text();
  return callbackData(page).message.code as string;
}

function cookie(res: Response, name: string): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(";")[0];
}

async function session(h: Harness) {
  const res = await h.fetch("/_oxa_auth/token-exchange", json({ code: await loginCode(h) }));
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return {
    res,
    body,
    access: body.access_token,
    refresh: cookie(res, "OxaigenPlatformAuthRefreshToken") as string,
  };
}

const refreshWith = (h: Harness, token: string) =>
  h.fetch("/_oxa_auth/refresh", {
    method: "POST",
    headers: { origin: APP, cookie: `OxaigenPlatformAuthRefreshToken=${token}` },
  });

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const permission = (h: Harness, name: string, token = "mock-dev-token") =>
  h.fetch(`/_oxa_auth/test-app-permission/${name}`, { method: "POST", ...bearer(token) });

export const scenarios: Scenario[] = [
  {
    name: "get-me answers the configured user for the dev token",
    async run(h) {
      const res = await h.fetch("/_oxa_auth/get-me", { headers: DEV });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({
        id: "mock-user-id",
        user_name: "mock-user",
        email: "mock.user@example.com",
        account_type: "internal",
        enabled: true,
        first_name: "Mock",
        last_name: "User",
        workspace: { id: "mock-workspace-id", name: "Mock Workspace" },
        workspace_roles: [{ name: "member" }],
        workspace_permissions: [{ name: "read" }],
        is_authenticated: true,
      });
    },
  },
  {
    name: "get-me: user and token settings come from the options",
    options: {
      tokens: ["tok-a", "tok-b"],
      email: "a@b.c",
      roleNames: ["admin"],
      accessCookieName: "AC",
    },
    async run(h) {
      const byHeader = await h.fetch("/_oxa_auth/get-me", bearer("tok-b"));
      expect(byHeader.status).toBe(200);
      expect(await byHeader.json()).toMatchObject({
        email: "a@b.c",
        workspace_roles: [{ name: "admin" }],
      });
      const byCookie = await h.fetch("/_oxa_auth/get-me", { headers: { cookie: "x=1; AC=tok-a" } });
      expect(byCookie.status).toBe(200);
    },
  },
  {
    name: "get-me rejects missing, unknown and malformed tokens with 401",
    async run(h) {
      const none = await h.fetch("/_oxa_auth/get-me");
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer /);
      for (const authorization of ["Bearer nope", "Basic bW9jaw==", "Bearer", "Bearer a b"]) {
        const res = await h.fetch("/_oxa_auth/get-me", { headers: { authorization } });
        expect(res.status, authorization).toBe(401);
      }
      // The header wins over the cookie, even when it is the invalid one.
      const both = await h.fetch("/_oxa_auth/get-me", {
        headers: {
          authorization: "Bearer nope",
          cookie: "OxaigenPlatformAuthAccessToken=mock-dev-token",
        },
      });
      expect(both.status).toBe(401);
      const lower = await h.fetch("/_oxa_auth/get-me", {
        headers: { authorization: "bearer mock-dev-token" },
      });
      expect(lower.status).toBe(200);
    },
  },
  {
    name: "test-app-permission: granted 200, missing 403, bad name 400, no token 401",
    async run(h) {
      expect((await permission(h, "read")).status).toBe(200);
      const denied = await permission(h, "audit");
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ permission: "audit", granted: false });
      for (const bad of ["%20", "r%C3%A9ad", "a%22b", "a%5Cb", "a/b", ""]) {
        expect((await permission(h, bad)).status, bad).toBe(400);
      }
      const anonymous = await h.fetch("/_oxa_auth/test-app-permission/read", { method: "POST" });
      expect(anonymous.status).toBe(401);
      expect((await permission(h, "read", "nope")).status).toBe(401);
    },
  },
  {
    name: "test-app-permission: the name is one percent-encoded segment (colons, dots, URLs)",
    options: { permissions: ["read:messages", "https://api.example.com/read", "a/b"] },
    async run(h) {
      for (const granted of ["read:messages", "https://api.example.com/read", "a/b"]) {
        const res = await permission(h, encodeURIComponent(granted));
        expect(res.status, granted).toBe(200);
        expect(await res.json()).toEqual({ permission: granted, granted: true });
      }
      // Raw colons are the same name as encoded ones; a raw slash is two segments, not a name.
      expect((await permission(h, "read:messages")).status).toBe(200);
      expect((await permission(h, "a.b")).status).toBe(403);
      expect((await permission(h, "read%3Amessages%3Ax")).status).toBe(403);
    },
  },
  {
    name: "the forbidden token authenticates but is denied every permission",
    options: { permissions: ["read", "audit"] },
    async run(h) {
      expect((await h.fetch("/_oxa_auth/get-me", bearer("mock-forbidden-token"))).status).toBe(200);
      expect((await permission(h, "read", "mock-forbidden-token")).status).toBe(403);
      expect((await permission(h, "audit", "mock-forbidden-token")).status).toBe(403);
      expect((await permission(h, "audit")).status).toBe(200);
    },
  },
  {
    name: "test-app-token reports the status of the presented token",
    async run(h) {
      const anonymous = await h.fetch("/_oxa_auth/test-app-token", { method: "POST" });
      expect(await anonymous.json()).toEqual({
        authenticated: false,
        user_id: null,
        expires_at: null,
      });
      const dev = await h.fetch("/_oxa_auth/test-app-token", { method: "POST", headers: DEV });
      expect(await dev.json()).toEqual({
        authenticated: true,
        user_id: "mock-user-id",
        expires_at: null,
      });
      const { access } = await session(h);
      const jwt = await h.fetch("/_oxa_auth/test-app-token", { method: "POST", ...bearer(access) });
      const body = (await jwt.json()) as { expires_at: number };
      expect(body.expires_at).toBe(Math.floor(h.clock.now() / 1000) + 300);
    },
  },
  {
    name: "login flow: the callback posts the code to the app origin only, never *",
    async run(h) {
      const res = await loginChain(
        h,
        `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=%2Fdashboard`,
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const csp = res.headers.get("content-security-policy") ?? "";
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).toContain("default-src 'none'");
      const page = await res.text();
      expect(page).toContain(`<script nonce="${nonce}">`);
      const run = await runCallbackPage(page, { opener: true, popup: true });
      expect(run.posted).toHaveLength(1);
      expect(run.posted[0]?.targetOrigin).toBe(APP);
      expect(run.posted[0]?.message).toMatchObject({ type: "OXA_AUTH_SUCCESS", state: STATE });
      expect(run.closed).toBe(true);
      expect(run.broadcast).toHaveLength(0);
      expect(run.replacedWith).toBeNull();
    },
  },
  {
    name: "login flow: without an opener the page uses the BroadcastChannel, then return_to",
    async run(h) {
      const page = await (
        await loginChain(
          h,
          `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=%2Fdashboard`,
        )
      ).text();
      const severed = await runCallbackPage(page, { opener: false, popup: true });
      expect(severed.posted).toHaveLength(0);
      expect(severed.broadcast).toEqual([
        { channel: `oxa-auth:${STATE}`, message: expect.objectContaining({ state: STATE }) },
      ]);
      expect(severed.closed).toBe(true);
      expect(severed.replacedWith).toBeNull();
      const tab = await runCallbackPage(page, { opener: false, popup: false });
      expect(tab.fetched).toEqual([
        { url: `${h.baseUrl}/_oxa_auth/token-exchange`, body: expect.stringContaining('"code"') },
      ]);
      expect(tab.replacedWith).toBe(`${APP}/dashboard`);
    },
  },
  {
    name: "login flow: the exchanged JWT verifies against the served JWKS and discovery",
    async run(h) {
      const { access, res, body } = await session(h);
      // The token-exchange body is exactly the contract's, nothing more (no refresh token).
      expect(body).toEqual({ access_token: access, token_type: "Bearer", expires_in: 300 });
      expect(await h.fetch("/_oxa_auth/get-me", bearer(access)).then((r) => r.status)).toBe(200);
      const discovery = (await (
        await h.fetch("/.well-known/openid-configuration")
      ).json()) as Record<string, string>;
      expect(discovery.issuer).toBe(h.baseUrl);
      const jwks = await (await h.fetch(pathOf(h, discovery.jwks_uri as string))).json();
      const { payload, protectedHeader } = await jwtVerify(access, createLocalJWKSet(jwks), {
        issuer: h.baseUrl,
        audience: "oxaigen-mock",
        algorithms: ["ES256"],
        currentDate: new Date(h.clock.now()),
      });
      expect(protectedHeader.kid).toBe(jwks.keys[0].kid);
      expect(decodeProtectedHeader(access).alg).toBe("ES256");
      expect(payload).toMatchObject({
        sub: "mock-user-id",
        email: "mock.user@example.com",
        name: "Mock User",
        preferred_username: "mock-user",
        roles: ["member"],
        permissions: ["read"],
        scope: "openid profile email",
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(300);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    },
  },
  {
    name: "token-exchange sets a JS-readable access cookie and an HttpOnly refresh cookie",
    async run(h) {
      const { res } = await session(h);
      const [access, refresh] = [
        res.headers.getSetCookie().find((c) => c.startsWith("OxaigenPlatformAuthAccessToken=")) ??
          "",
        res.headers.getSetCookie().find((c) => c.startsWith("OxaigenPlatformAuthRefreshToken=")) ??
          "",
      ];
      expect(access).not.toMatch(/HttpOnly/i);
      expect(access).toMatch(/; SameSite=None/);
      expect(access).toMatch(/; Secure/);
      expect(access).toMatch(/; Partitioned/);
      expect(access).toMatch(/; Max-Age=300/);
      expect(refresh).toMatch(/; HttpOnly/);
      expect(refresh).toMatch(/; Max-Age=1800/);
    },
  },
  {
    name: "token-exchange: wrong, reused, expired, foreign-origin codes and bad bodies fail",
    async run(h) {
      const wrong = await h.fetch("/_oxa_auth/token-exchange", json({ code: "not-a-code" }));
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
      const code = await loginCode(h);
      expect((await h.fetch("/_oxa_auth/token-exchange", json({ code }))).status).toBe(200);
      const reused = await h.fetch("/_oxa_auth/token-exchange", json({ code }));
      expect(reused.status).toBe(400);
      expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
      const late = await loginCode(h, `${STATE}-2`);
      h.clock.advance(61_000);
      expect((await h.fetch("/_oxa_auth/token-exchange", json({ code: late }))).status).toBe(400);
      const foreign = await loginCode(h, `${STATE}-3`);
      const other = await h.fetch("/_oxa_auth/token-exchange", {
        ...json({ code: foreign }),
        headers: { "content-type": "application/json", origin: "http://localhost:9999" },
      });
      expect(other.status).toBe(400);
      const form = await h.fetch("/_oxa_auth/token-exchange", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `code=${foreign}`,
      });
      expect(form.status).toBe(400);
      const broken = await h.fetch("/_oxa_auth/token-exchange", { ...json({}), body: "{nope" });
      expect(broken.status).toBe(400);
    },
  },
  {
    name: "refresh rotates the refresh token; reuse revokes the session",
    options: { refreshReuseInterval: 0 },
    async run(h) {
      const first = await session(h);
      const rotated = await refreshWith(h, first.refresh);
      expect(rotated.status).toBe(200);
      const next = cookie(rotated, "OxaigenPlatformAuthRefreshToken") as string;
      expect(next).toBeTruthy();
      expect(next).not.toBe(first.refresh);
      const body = (await rotated.json()) as {
        access_token: string;
        token_type: string;
        expires_in: number;
      };
      expect(body.token_type).toBe("Bearer");
      expect(body.expires_in).toBe(300);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(body.access_token))).status).toBe(200);
      expect((await refreshWith(h, first.refresh)).status).toBe(401);
      // Reuse killed the session: the fresh token and its access token are dead too.
      expect((await refreshWith(h, next)).status).toBe(401);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(body.access_token))).status).toBe(401);
    },
  },
  {
    name: "refresh: a rotated token answers the same successor for the reuse interval (10 s from its first rotation), then reuse revokes the session",
    async run(h) {
      const first = await session(h);
      const sid = (token: string) => JSON.parse(atob(token.split(".")[1] as string)).sid;
      const rotated = await refreshWith(h, first.refresh);
      expect(rotated.status).toBe(200);
      const lost = (await rotated.json()) as { access_token: string };
      // The answer never reached the page (it reloaded): the old token comes back, same session.
      h.clock.advance(9_999);
      const again = await refreshWith(h, first.refresh);
      expect(again.status).toBe(200);
      const kept = (await again.json()) as { access_token: string };
      expect(sid(kept.access_token)).toBe(sid(first.access));
      const next = cookie(again, "OxaigenPlatformAuthRefreshToken") as string;
      // The same successor as the answer that was lost: a repeat starts no second family.
      expect(next).toBe(cookie(rotated, "OxaigenPlatformAuthRefreshToken"));
      // The interval runs from the first rotation, and a second grace answer did not extend it.
      h.clock.advance(1);
      expect((await refreshWith(h, first.refresh)).status).toBe(401);
      for (const token of [kept.access_token, lost.access_token]) {
        expect((await h.fetch("/_oxa_auth/get-me", bearer(token))).status).toBe(401);
      }
      expect((await refreshWith(h, next)).status).toBe(401);
      // Changed at run time like the lifetimes: 0 turns the interval off.
      const strict = await session(h);
      expect(
        (
          await h.fetch("/_oxa_auth/mock/state", {
            method: "PATCH",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ refreshReuseInterval: 0 }),
          })
        ).status,
      ).toBe(200);
      expect((await refreshWith(h, strict.refresh)).status).toBe(200);
      expect((await refreshWith(h, strict.refresh)).status).toBe(401);
    },
  },
  {
    name: "refresh: unknown, missing and expired refresh tokens get 401; the static one works",
    async run(h) {
      expect((await refreshWith(h, "unknown-token")).status).toBe(401);
      const none = await h.fetch("/_oxa_auth/refresh", { method: "POST" });
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: "invalid_grant" });
      const dev = await refreshWith(h, "mock-dev-refresh-token");
      expect(dev.status).toBe(200);
      const { refresh } = await session(h);
      h.clock.advance(1801_000);
      expect((await refreshWith(h, refresh)).status).toBe(401);
    },
  },
  {
    name: "expired access JWTs are rejected",
    options: { expiresIn: 2 },
    async run(h) {
      const { access } = await session(h);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access))).status).toBe(200);
      h.clock.advance(3_000);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access))).status).toBe(401);
      expect((await permission(h, "read", access)).status).toBe(401);
      const status = await h.fetch("/_oxa_auth/test-app-token", {
        method: "POST",
        ...bearer(access),
      });
      expect(await status.json()).toMatchObject({ authenticated: false });
    },
  },
  {
    name: "logout revokes the session and clears both cookies",
    async run(h) {
      const { access, refresh } = await session(h);
      const res = await h.fetch("/_oxa_auth/logout", {
        method: "POST",
        headers: { origin: APP, cookie: `OxaigenPlatformAuthRefreshToken=${refresh}` },
      });
      expect(res.status).toBe(204);
      const cleared = res.headers.getSetCookie();
      expect(cleared.some((c) => /^OxaigenPlatformAuthAccessToken=;.*Max-Age=0/.test(c))).toBe(
        true,
      );
      expect(cleared.some((c) => /^OxaigenPlatformAuthRefreshToken=;.*Max-Age=0/.test(c))).toBe(
        true,
      );
      expect((await refreshWith(h, refresh)).status).toBe(401);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access))).status).toBe(401);
    },
  },
  {
    name: "a token whose session the mock no longer knows (reset) is refused, and so is its refresh",
    async run(h) {
      const { access, refresh } = await session(h);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access))).status).toBe(200);
      // The state API's DELETE forgets logins and sessions like mock.reset().
      expect((await h.fetch("/_oxa_auth/mock/state", { method: "DELETE" })).status).toBe(200);
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access))).status).toBe(401);
      expect((await permission(h, "read", access)).status).toBe(401);
      expect((await refreshWith(h, refresh)).status).toBe(401);
    },
  },
  {
    name: "login refuses open redirects in return_to",
    async run(h) {
      const attempts = [
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example/x",
        "javascript:alert(1)",
        "/x\r\nSet-Cookie: a=b",
        "/x\tb",
        "http://localhost:5173@evil.example/",
        "data:text/html,hi",
      ];
      for (const [i, returnTo] of attempts.entries()) {
        const q = `state=s${i}-${STATE}&return_to=${encodeURIComponent(returnTo)}`;
        const res = await h.fetch(`/_oxa_auth/login?${q}`);
        expect(res.status, returnTo).toBe(400);
        expect(res.headers.get("location")).toBeNull();
      }
      // With an allowed app origin, the opener hears about it at once (and nowhere else).
      const q = `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=${encodeURIComponent("//evil.example")}`;
      const res = await h.fetch(`/_oxa_auth/login?${q}`);
      expect(res.status).toBe(400);
      const run = await runCallbackPage(await res.text(), { opener: true, popup: true });
      expect(run.posted).toEqual([
        {
          message: expect.objectContaining({
            type: "OXA_AUTH_FAILURE",
            reason: "invalid_return_to",
          }),
          targetOrigin: APP,
        },
      ]);
    },
  },
  {
    name: "login accepts paths and absolute URLs on the app origin",
    async run(h) {
      for (const [i, [returnTo, expected]] of [
        ["/dashboard?tab=1", `${APP}/dashboard?tab=1`],
        [`${APP}/settings`, `${APP}/settings`],
      ].entries()) {
        const q = `state=ok${i}-${STATE}&origin=${encodeURIComponent(APP)}&return_to=${encodeURIComponent(returnTo as string)}`;
        const page = await (await loginChain(h, q)).text();
        expect(callbackData(page).returnTo).toBe(expected);
      }
      // No origin, no return_to: a plain curl of the login URL still gets its redirect.
      const plain = await h.fetch("/_oxa_auth/login?return_to=%2Fdashboard");
      expect(plain.status).toBe(302);
      expect(new URL(plain.headers.get("location") as string).searchParams.get("state")).toMatch(
        /^[\w-]{43}$/,
      );
    },
  },
  {
    name: "login refuses origins outside an explicit CORS list and bad states",
    options: { corsOrigins: ["http://localhost:5173"] },
    async run(h) {
      const evil = await h.fetch(
        `/_oxa_auth/login?state=${STATE}&origin=${encodeURIComponent("https://evil.example")}`,
      );
      expect(evil.status).toBe(400);
      expect(await evil.json()).toMatchObject({ error: "origin_not_allowed" });
      expect((await h.fetch(`/_oxa_auth/login?state=${STATE}&origin=null`)).status).toBe(400);
      expect(
        (await h.fetch(`/_oxa_auth/login?state=${encodeURIComponent("<script>")}`)).status,
      ).toBe(400);
      expect(
        (await h.fetch(`/_oxa_auth/login?state=${STATE}&origin=${encodeURIComponent(APP)}`)).status,
      ).toBe(302);
      // A state can start one login only.
      expect(
        (await h.fetch(`/_oxa_auth/login?state=${STATE}&origin=${encodeURIComponent(APP)}`)).status,
      ).toBe(400);
    },
  },
  {
    name: "callback: unknown state, replayed state, IdP error and wrong IdP code fail",
    async run(h) {
      const unknown = await h.fetch(`/_oxa_auth/callback?state=${STATE}&code=mock-auth-code`);
      expect(unknown.status).toBe(400);
      const unknownRun = await runCallbackPage(await unknown.text(), { opener: true, popup: true });
      expect(unknownRun.posted).toHaveLength(0);
      expect(unknownRun.broadcast[0]?.message).toMatchObject({
        type: "OXA_AUTH_FAILURE",
        reason: "invalid_state",
      });
      const ok = await loginChain(h, `state=${STATE}&origin=${encodeURIComponent(APP)}`);
      expect(ok.status).toBe(200);
      const replay = await h.fetch(`/_oxa_auth/callback?state=${STATE}&code=mock-auth-code`);
      expect(callbackData(await replay.text()).message).toMatchObject({ reason: "invalid_state" });
      const state2 = `${STATE}-b`;
      await h.fetch(`/_oxa_auth/login?state=${state2}&origin=${encodeURIComponent(APP)}`);
      const wrong = await h.fetch(`/_oxa_auth/callback?state=${state2}&code=other`);
      expect(wrong.status).toBe(400);
      const wrongRun = await runCallbackPage(await wrong.text(), { opener: true, popup: true });
      expect(wrongRun.posted).toEqual([
        {
          message: expect.objectContaining({ type: "OXA_AUTH_FAILURE", reason: "invalid_code" }),
          targetOrigin: APP,
        },
      ]);
    },
  },
  {
    name: "state loginError makes the mock IdP refuse the login",
    async run(h) {
      h.mock.setState({ loginError: "access_denied" });
      const page = await (
        await loginChain(h, `state=${STATE}&origin=${encodeURIComponent(APP)}`)
      ).text();
      expect(callbackData(page).message).toMatchObject({
        type: "OXA_AUTH_FAILURE",
        reason: "access_denied",
      });
    },
  },
  {
    name: "CORS: preflight and responses reflect allowed origins, with credentials",
    options: { corsOrigins: ["http://localhost:5173"] },
    async run(h) {
      const preflight = (origin: string) =>
        h.fetch("/_oxa_auth/token-exchange", {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
          },
        });
      const ok = await preflight(APP);
      expect(ok.status).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
      expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
      expect(ok.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
      expect(ok.headers.get("access-control-allow-headers")).toMatch(/Content-Type/);
      // A browser's DPoP client sends its proof and reads the server's nonce.
      expect(ok.headers.get("access-control-allow-headers")).toMatch(/\bDPoP\b/);
      const answer = await h.fetch("/_oxa_auth/get-me", { headers: { ...DEV, origin: APP } });
      expect(answer.headers.get("access-control-expose-headers")).toMatch(/\bDPoP-Nonce\b/);
      const bad = await preflight("https://evil.example");
      expect(bad.status).toBe(403);
      expect(bad.headers.get("access-control-allow-origin")).toBeNull();
      const read = await h.fetch("/_oxa_auth/get-me", {
        headers: { ...DEV, origin: "https://evil.example" },
      });
      expect(read.headers.get("access-control-allow-origin")).toBeNull();
      const write = await h.fetch("/_oxa_auth/logout", {
        method: "POST",
        headers: { origin: "https://evil.example" },
      });
      expect(write.status).toBe(403);
    },
  },
  {
    name: "CORS: * reflects any http(s) request origin with Vary: Origin",
    options: { corsOrigins: "*" },
    async run(h) {
      const origin = "https://any.example:8443";
      const res = await h.fetch("/_oxa_auth/get-me", { headers: { ...DEV, origin } });
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("vary")).toMatch(/Origin/);
      const preflight = await h.fetch("/_oxa_auth/get-me", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "GET",
          "access-control-request-private-network": "true",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-private-network")).toBe("true");
      const nullOrigin = await h.fetch("/_oxa_auth/get-me", {
        headers: { ...DEV, origin: "null" },
      });
      expect(nullOrigin.headers.get("access-control-allow-origin")).toBeNull();
    },
  },
  {
    name: "state endpoint: GET, PUT grants a permission at run time, DELETE resets",
    async run(h) {
      const put = (body: string, type = "application/json") =>
        h.fetch("/_oxa_auth/mock/state", {
          method: "PUT",
          headers: { "content-type": type },
          body,
        });
      expect((await permission(h, "audit")).status).toBe(403);
      const res = await put(JSON.stringify({ permissions: ["read", "audit"], firstName: "Ada" }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        permissions: ["read", "audit"],
        firstName: "Ada",
        userId: "mock-user-id",
      });
      expect((await permission(h, "audit")).status).toBe(200);
      expect(await (await h.fetch("/_oxa_auth/get-me", { headers: DEV })).json()).toMatchObject({
        first_name: "Ada",
      });
      expect(
        ((await (await h.fetch("/_oxa_auth/mock/state")).json()) as { permissions: string[] })
          .permissions,
      ).toContain("audit");
      expect((await put(JSON.stringify({ nope: 1 }))).status).toBe(400);
      expect((await put(JSON.stringify({ permissions: ["bad name"] }))).status).toBe(400);
      expect((await put(JSON.stringify({ expiresIn: -1 }))).status).toBe(400);
      expect((await put("{", "application/json")).status).toBe(400);
      expect((await put("{}", "text/plain")).status).toBe(415);
      expect((await put(JSON.stringify({ forbiddenToken: null }))).status).toBe(200);
      expect((await h.fetch("/_oxa_auth/get-me", bearer("mock-forbidden-token"))).status).toBe(401);
      const reset = await h.fetch("/_oxa_auth/mock/state", { method: "DELETE" });
      expect(await reset.json()).toMatchObject({ permissions: ["read"], firstName: "Mock" });
      expect((await permission(h, "audit")).status).toBe(403);
    },
  },
  {
    name: "CORS by default: loopback origins (any port) only; a foreign page is never reflected",
    async run(h) {
      for (const origin of [
        APP,
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
        "http://app.localhost:1",
      ]) {
        const res = await h.fetch("/_oxa_auth/get-me", { headers: { ...DEV, origin } });
        expect(res.headers.get("access-control-allow-origin"), origin).toBe(origin);
      }
      const evil = "https://evil.example";
      const read = await h.fetch("/_oxa_auth/get-me", { headers: { ...DEV, origin: evil } });
      expect(read.headers.get("access-control-allow-origin")).toBeNull();
      expect(read.headers.get("access-control-allow-credentials")).toBeNull();
      const preflight = await h.fetch("/_oxa_auth/refresh", {
        method: "OPTIONS",
        headers: {
          origin: evil,
          "access-control-request-method": "POST",
          "access-control-request-private-network": "true",
        },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-private-network")).toBeNull();
      const refresh = await h.fetch("/_oxa_auth/refresh", {
        method: "POST",
        headers: { origin: evil, cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
      });
      expect(refresh.status).toBe(403);
      expect(refresh.headers.getSetCookie()).toEqual([]);
    },
  },
  {
    name: "login hands a code only to loopback origins without an explicit list (no open redirect)",
    async run(h) {
      const evil = "https://evil.example";
      for (const returnTo of [`${evil}/steal`, "/steal"]) {
        const q = `state=${STATE}&origin=${encodeURIComponent(evil)}&return_to=${encodeURIComponent(returnTo)}`;
        const res = await h.fetch(`/_oxa_auth/login?${q}`);
        expect(res.status, returnTo).toBe(400);
        expect(res.headers.get("location")).toBeNull();
        expect(await res.json()).toMatchObject({ error: "origin_not_allowed" });
      }
      // A loopback app may not send the browser to a foreign site either.
      const q = `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=${encodeURIComponent(`${evil}/x`)}`;
      expect((await h.fetch(`/_oxa_auth/login?${q}`)).status).toBe(400);
    },
  },
  {
    name: "CORS * still hands login codes to loopback origins only",
    options: { corsOrigins: "*" },
    async run(h) {
      const evil = "https://evil.example";
      const q = `state=${STATE}&origin=${encodeURIComponent(evil)}&return_to=${encodeURIComponent(`${evil}/x`)}`;
      const res = await h.fetch(`/_oxa_auth/login?${q}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      await expect(h.mock.completeLogin({ state: "s-2", origin: evil })).rejects.toThrow(/origin/);
    },
  },
  {
    name: "state endpoint refuses browser pages of other origins, even allowed ones",
    async run(h) {
      const body = JSON.stringify({ permissions: ["read", "admin"] });
      const attempts: RequestInit[] = [
        { method: "PUT", headers: { "content-type": "application/json", origin: APP }, body },
        { method: "DELETE", headers: { origin: "https://evil.example" } },
        { method: "GET", headers: { origin: APP } },
        { method: "GET", headers: { "sec-fetch-site": "cross-site" } },
        { method: "GET", headers: { "sec-fetch-site": "same-site" } },
        {
          method: "OPTIONS",
          headers: { origin: APP, "access-control-request-method": "PUT" },
        },
      ];
      for (const init of attempts) {
        const res = await h.fetch("/_oxa_auth/mock/state", init);
        expect(res.status, JSON.stringify(init)).toBe(403);
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
      }
      expect(h.mock.getState().permissions).toEqual(["read"]);
      // Test code and curl (no Origin) and the mock's own pages still work.
      expect((await h.fetch("/_oxa_auth/mock/state")).status).toBe(200);
      const own = await h.fetch("/_oxa_auth/mock/state", {
        method: "GET",
        headers: { origin: h.baseUrl, "sec-fetch-site": "same-origin" },
      });
      expect(own.status).toBe(200);
    },
  },
  {
    name: "redirect mode: the callback answers 303 to return_to with the code in the fragment",
    async run(h) {
      const back = `${APP}/orders`;
      const q = `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=${encodeURIComponent(back)}&mode=redirect`;
      const res = await loginChain(h, q);
      expect(res.status).toBe(303);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const location = new URL(res.headers.get("location") as string);
      expect(location.origin + location.pathname + location.search).toBe(back);
      const fragment = new URLSearchParams(location.hash.slice(1));
      expect([...fragment.keys()].sort()).toEqual(["oxa_auth_code", "oxa_auth_state"]);
      expect(fragment.get("oxa_auth_state")).toBe(STATE);
      const code = fragment.get("oxa_auth_code") as string;
      const exchanged = await h.fetch("/_oxa_auth/token-exchange", json({ code }));
      expect(exchanged.status).toBe(200);
      const { access_token } = (await exchanged.json()) as { access_token: string };
      expect((await h.fetch("/_oxa_auth/get-me", bearer(access_token))).status).toBe(200);
      expect((await h.fetch("/_oxa_auth/token-exchange", json({ code }))).status).toBe(400);
    },
  },
  {
    name: "redirect mode: a refused login comes back as oxa_auth_error in the fragment",
    async run(h) {
      h.mock.setState({ loginError: "access_denied" });
      const q = `state=${STATE}&origin=${encodeURIComponent(APP)}&return_to=${encodeURIComponent(`${APP}/x`)}&mode=redirect`;
      const res = await loginChain(h, q);
      expect(res.status).toBe(303);
      const hash = new URL(res.headers.get("location") as string).hash.slice(1);
      expect(Object.fromEntries(new URLSearchParams(hash))).toEqual({
        oxa_auth_error: "access_denied",
        oxa_auth_state: STATE,
      });
    },
  },
  {
    name: "redirect mode: return_to must be an absolute URL on the login's origin",
    async run(h) {
      const attempts = [
        [APP, "/orders"],
        [APP, "http://localhost:9999/orders"],
        [APP, "https://evil.example/"],
        [null, `${APP}/orders`],
        [APP, null],
      ];
      for (const [i, [origin, returnTo]] of attempts.entries()) {
        const q = new URLSearchParams({ state: `r${i}-${STATE}`, mode: "redirect" });
        if (origin) q.set("origin", origin);
        if (returnTo) q.set("return_to", returnTo);
        const res = await h.fetch(`/_oxa_auth/login?${q}`);
        expect(res.status, `${origin} ${returnTo}`).toBe(400);
        expect(res.headers.get("location")).toBeNull();
        expect(res.headers.get("content-type")).toMatch(/json/);
      }
      const bad = await h.fetch(
        `/_oxa_auth/login?state=${STATE}&mode=window&origin=${encodeURIComponent(APP)}`,
      );
      expect(bad.status).toBe(400);
    },
  },
  {
    name: "login options: validated, and only the listed ones travel on to the identity provider",
    async run(h) {
      const ok = new URLSearchParams({
        state: STATE,
        origin: APP,
        login_hint: "Mock.User@example.com",
        prompt: "login",
        max_age: "0",
        ui_locales: "en-GB fr",
        acr_values: "urn:mace:incommon:iap:silver",
        claims: '{"id_token":{}}',
        foo: "bar",
      });
      const res = await h.fetch(`/_oxa_auth/login?${ok}`);
      expect(res.status).toBe(302);
      const sent = new URL(res.headers.get("location") as string).searchParams;
      expect(sent.get("login_hint")).toBe("Mock.User@example.com");
      expect(sent.get("prompt")).toBe("login");
      expect(sent.get("max_age")).toBe("0");
      expect(sent.get("ui_locales")).toBe("en-GB fr");
      expect(sent.get("acr_values")).toBe("urn:mace:incommon:iap:silver");
      expect(sent.has("claims")).toBe(false);
      expect(sent.has("foo")).toBe(false);
      const bad: Record<string, string>[] = [
        { prompt: "always" },
        { prompt: "login consent" },
        { login_hint: "a".repeat(257) },
        { login_hint: "a\nb" },
        { max_age: "-1" },
        { max_age: "1.5" },
        { ui_locales: "<script>" },
        { acr_values: "a\tb" },
      ];
      for (const [i, extra] of bad.entries()) {
        const q = new URLSearchParams({ state: `b${i}-${STATE}`, ...extra });
        const refused = await h.fetch(`/_oxa_auth/login?${q}`);
        expect(refused.status, JSON.stringify(extra)).toBe(400);
        expect(await refused.json()).toMatchObject({ error: "invalid_request" });
      }
    },
  },
  {
    name: "login_hint signs in that user when known; an unknown one and prompt=none fail",
    async run(h) {
      const known = await loginChain(
        h,
        `state=${STATE}&origin=${encodeURIComponent(APP)}&login_hint=${encodeURIComponent("MOCK.user@example.com")}`,
      );
      expect(callbackData(await known.text()).message).toMatchObject({ type: "OXA_AUTH_SUCCESS" });
      for (const [i, [extra, reason]] of [
        ["login_hint=someone.else%40example.com", "unknown_user"],
        ["prompt=none", "login_required"],
      ].entries()) {
        const page = await (
          await loginChain(h, `state=f${i}-${STATE}&origin=${encodeURIComponent(APP)}&${extra}`)
        ).text();
        expect(callbackData(page).message, extra).toMatchObject({
          type: "OXA_AUTH_FAILURE",
          reason,
        });
      }
      h.mock.setState({ email: "ada@example.com" });
      const message = await h.mock.completeLogin({
        state: "s-ada",
        origin: APP,
        loginHint: "ada@example.com",
      });
      expect(message.type).toBe("OXA_AUTH_SUCCESS");
    },
  },
  {
    name: "login_hint picks a persona by email (any case), sub or user name: its tokens, get-me, permissions, refresh",
    async run(h) {
      const signIn = async (hint: string, state: string) => {
        const page = await (
          await loginChain(
            h,
            `state=${state}&origin=${encodeURIComponent(APP)}&login_hint=${encodeURIComponent(hint)}`,
          )
        ).text();
        const { message } = callbackData(page);
        expect(message, hint).toMatchObject({ type: "OXA_AUTH_SUCCESS" });
        const res = await h.fetch("/_oxa_auth/token-exchange", json({ code: message.code }));
        return {
          access: ((await res.json()) as { access_token: string }).access_token,
          refresh: cookie(res, "OxaigenPlatformAuthRefreshToken") as string,
        };
      };
      const claims = (t: string) =>
        JSON.parse(Buffer.from(t.split(".")[1] as string, "base64url").toString());
      const me = async (t: string) => (await h.fetch("/_oxa_auth/get-me", bearer(t))).json();

      const admin = await signIn("MOCK.Admin@example.com", "s-admin");
      expect(claims(admin.access)).toMatchObject({
        sub: "mock-admin-id",
        roles: ["admin", "member"],
      });
      expect(await me(admin.access)).toMatchObject({
        id: "mock-admin-id",
        user_name: "mock-admin",
        email: "mock.admin@example.com",
        workspace_roles: [{ name: "admin" }, { name: "member" }],
      });
      // The configured user has "read" only; the admin persona also has "write".
      expect((await permission(h, "write", admin.access)).status).toBe(200);
      expect((await permission(h, "write")).status).toBe(403);
      const refreshed = await refreshWith(h, admin.refresh);
      const next = ((await refreshed.json()) as { access_token: string }).access_token;
      expect(claims(next).sub).toBe("mock-admin-id");

      const viewer = await signIn("mock-viewer-id", "s-viewer");
      expect(await me(viewer.access)).toMatchObject({
        id: "mock-viewer-id",
        workspace_permissions: [],
      });
      expect((await permission(h, "read", viewer.access)).status).toBe(403);
      const test = await h.fetch("/_oxa_auth/test-app-token", {
        method: "POST",
        ...bearer(viewer.access),
      });
      expect(await test.json()).toMatchObject({ authenticated: true, user_id: "mock-viewer-id" });

      h.mock.setState({ personas: [{ id: "ada-id", userName: "ada", permissions: ["audit"] }] });
      const ada = await signIn("ada", "s-ada-name");
      expect(await me(ada.access)).toMatchObject({ id: "ada-id", user_name: "ada" });
      // A persona changed at run time applies to its live sessions, like the configured user.
      h.mock.setState({ personas: [{ id: "ada-id", userName: "ada", permissions: ["read"] }] });
      expect((await permission(h, "read", ada.access)).status).toBe(200);

      const user = await signIn("mock-user-id", "s-user");
      h.mock.setState({ permissions: ["read", "write"] });
      expect(await me(user.access)).toMatchObject({ id: "mock-user-id" });
      expect((await permission(h, "write", user.access)).status).toBe(200);
    },
  },
  {
    name: "login_hint: a persona removed between the IdP and the callback fails with unknown_user",
    async run(h) {
      h.mock.setState({ personas: [{ id: "ada-id", email: "ada@example.com" }] });
      const login = await h.fetch(
        `/_oxa_auth/login?state=${STATE}&origin=${encodeURIComponent(APP)}&login_hint=ada%40example.com`,
      );
      const authorize = await h.fetch(pathOf(h, login.headers.get("location")));
      h.mock.setState({ personas: [] });
      const page = await (await h.fetch(pathOf(h, authorize.headers.get("location")))).text();
      expect(callbackData(page).message).toMatchObject({
        type: "OXA_AUTH_FAILURE",
        reason: "unknown_user",
      });
    },
  },
  {
    name: "prompt=login: every login authenticates afresh (auth_time), refresh keeps it",
    async run(h) {
      const first = await session(h);
      h.clock.advance(5_000);
      const code = (
        (await h.mock.completeLogin({ state: "s-again", origin: APP, prompt: "login" })) as {
          code: string;
        }
      ).code;
      const second = await h.fetch("/_oxa_auth/token-exchange", json({ code }));
      const secondToken = ((await second.json()) as { access_token: string }).access_token;
      const authTime = (t: string) =>
        JSON.parse(Buffer.from(t.split(".")[1] as string, "base64url").toString()).auth_time;
      expect(authTime(secondToken) - authTime(first.access)).toBe(5);
      h.clock.advance(3_000);
      const refreshed = await refreshWith(h, first.refresh);
      const token = ((await refreshed.json()) as { access_token: string }).access_token;
      expect(authTime(token)).toBe(authTime(first.access));
    },
  },
  {
    name: "state endpoint can be turned off",
    options: { stateApi: false },
    async run(h) {
      expect((await h.fetch("/_oxa_auth/mock/state")).status).toBe(404);
    },
  },
  {
    name: "completeLogin hands out a code the token-exchange accepts once",
    async run(h) {
      const message = await h.mock.completeLogin({ state: STATE, origin: APP });
      expect(message).toMatchObject({ type: "OXA_AUTH_SUCCESS", state: STATE });
      const code = (message as { code: string }).code;
      expect((await h.fetch("/_oxa_auth/token-exchange", json({ code }))).status).toBe(200);
      expect((await h.fetch("/_oxa_auth/token-exchange", json({ code }))).status).toBe(400);
      await expect(h.mock.completeLogin({ state: "x2", origin: "null" })).rejects.toThrow(/origin/);
    },
  },
  {
    name: "unknown paths 404, wrong methods 405 with Allow",
    async run(h) {
      expect((await h.fetch("/_oxa_auth/nope")).status).toBe(404);
      expect((await h.fetch("/elsewhere")).status).toBe(404);
      const wrong = await h.fetch("/_oxa_auth/get-me", { method: "POST", headers: DEV });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("GET");
      expect((await h.fetch("/_oxa_auth/test-app-permission/read", { headers: DEV })).status).toBe(
        405,
      );
    },
  },
];
