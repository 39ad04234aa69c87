import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../src/index.js";
import type { StartApp } from "./bindingSuite.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

const ALICE = "alice-token.abc_DEF-123";
const COOKIE = `OxaigenPlatformAuthAccessToken=${ALICE}`;
const TRUSTED_ORIGIN = "https://admin.example.com";
const silent = { warn: () => {} };

/**
 * Attacks a browser or a forged request can make against any binding, each answered the same way
 * everywhere. The app under test serves the standard routes for GET and POST alike.
 */
export function describeAttacks(name: string, startApp: StartApp): void {
  describe(`${name} binding: attacks`, () => {
    let proxy: StandInProxy;
    let auth: Auth;
    let app: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      proxy = await startStandInProxy({ [ALICE]: userBody("alice", ["audit"]) });
      auth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        allowedOrigins: [TRUSTED_ORIGIN],
        cacheTtlSeconds: 0,
        negativeCacheTtlSeconds: 0,
        logger: silent,
      });
      app = await startApp(auth);
    });

    afterAll(async () => {
      await app.close();
      await auth.close();
      await proxy.close();
    });

    afterEach(() => {
      proxy.calls.getMe = 0;
      proxy.calls.permission = 0;
    });

    const send = (method: string, path: string, headers: Record<string, string>) =>
      fetch(app.url + path, { method, headers });

    describe("CSRF: an unsafe method authenticated by the cookie alone", () => {
      it("a cross-site form POST carrying only the cookie → 403 csrf_rejected, no upstream call", async () => {
        for (const path of ["/me", "/maybe", "/audit"]) {
          const res = await send("POST", path, {
            cookie: COOKIE,
            origin: "https://evil.example",
            "sec-fetch-site": "cross-site",
          });
          expect(res.status, path).toBe(403);
          const text = await res.text();
          expect(JSON.parse(text), path).toMatchObject({ error: "csrf_rejected" });
          expect(text).not.toContain(ALICE);
          expect(res.headers.get("cache-control")).toBe("no-store");
        }
        expect(proxy.calls.getMe).toBe(0);
        expect(proxy.calls.permission).toBe(0);
      });

      it("a sibling origin on the same site (Sec-Fetch-Site: same-site) is refused too", async () => {
        const res = await send("PUT", "/me", {
          cookie: COOKIE,
          origin: "https://other.example.com",
          "sec-fetch-site": "same-site",
        });
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: "csrf_rejected" });
      });

      it("a foreign Origin without Sec-Fetch-Site (older browsers) is refused", async () => {
        const res = await send("DELETE", "/me", { cookie: COOKIE, origin: "http://127.0.0.1:1" });
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: "csrf_rejected" });
      });

      it("Origin: null (sandboxed frames, cross-origin redirects) is refused", async () => {
        const res = await send("POST", "/me", { cookie: COOKIE, origin: "null" });
        expect(res.status).toBe(403);
      });

      it("neither Origin nor Sec-Fetch-Site: refused (fails closed)", async () => {
        const res = await send("PATCH", "/me", { cookie: COOKIE });
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: "csrf_rejected" });
      });

      it("the middleware never blocks: user null, authError csrf_rejected", async () => {
        const res = await send("POST", "/public", {
          cookie: COOKIE,
          origin: "https://evil.example",
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ userId: null, authError: "csrf_rejected" });
        expect(proxy.calls.getMe).toBe(0);
      });

      it("the request's own origin is accepted (Origin = Host)", async () => {
        const res = await send("POST", "/me", { cookie: COOKIE, origin: app.url });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ userId: "alice" });
      });

      it("Sec-Fetch-Site: same-origin without Origin is accepted", async () => {
        const res = await send("POST", "/audit", {
          cookie: COOKIE,
          "sec-fetch-site": "same-origin",
        });
        expect(res.status).toBe(200);
      });

      it("an origin from the configured allow-list is accepted", async () => {
        const res = await send("POST", "/me", {
          cookie: COOKIE,
          origin: TRUSTED_ORIGIN,
          "sec-fetch-site": "cross-site",
        });
        expect(res.status).toBe(200);
      });

      it("safe methods and Bearer headers are unaffected", async () => {
        const get = await send("GET", "/me", { cookie: COOKIE, origin: "https://evil.example" });
        expect(get.status).toBe(200);
        const bearer = await send("POST", "/audit", {
          authorization: `Bearer ${ALICE}`,
          origin: "https://evil.example",
          "sec-fetch-site": "cross-site",
        });
        expect(bearer.status).toBe(200);
      });
    });

    it('a Bearer header with characters no token has (tok"en) → 400 invalid_request saying so', async () => {
      const res = await send("GET", "/me", { authorization: 'Bearer tok"en' });
      expect(res.status).toBe(400);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_request"');
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe("invalid_request");
      expect(body.message).toMatch(/Authorization header is malformed/);
      expect(body.message).not.toMatch(/expired/);
      expect(proxy.calls.getMe).toBe(0);
    });
  });
}
