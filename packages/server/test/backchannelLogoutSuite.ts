import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, ConfigurationError, createAuth, createJwtValidator } from "../src/index.js";
import { MAX_LOGOUT_BODY_BYTES } from "../src/logout/handleBackchannelLogout.js";
import type { AppUnderTest, StartApp } from "./bindingSuite.js";
import {
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signLogoutToken,
  signToken,
  startFakeIdp,
} from "./jwtFixtures.js";

/** Where every binding's test app mounts `backchannelLogout()` when asked to. */
export const LOGOUT_PATH = "/backchannel-logout";

const API = "orders-api";
const CLIENT = "orders-web";
const FORM = "application/x-www-form-urlencoded";
const silent = { warn: () => {}, error: () => {} };

/** The back-channel logout route, declared once in the helpers, as every binding serves it. */
export function describeBackchannelLogout(name: string, startApp: StartApp): void {
  describe(`${name} back-channel logout route`, () => {
    let idp: FakeIdp;
    let key: FixtureKey;
    let evil: FixtureKey;
    let auth: Auth;
    let app: AppUnderTest;
    let session = 0;

    beforeAll(async () => {
      [key, evil] = await Promise.all([makeKey("ES256", "k1"), makeKey("ES256", "k1")]);
      idp = await startFakeIdp([key]);
      const validator = createJwtValidator({
        issuer: idp.issuer,
        audience: API,
        jwksUrl: idp.jwksUrl,
        logger: silent,
      });
      auth = createAuth({
        env: {},
        validator,
        backchannelLogout: { audience: CLIENT },
        logger: silent,
      });
      app = await startApp(auth, { logout: true });
    });

    afterAll(async () => {
      await app?.close();
      await auth?.close();
      await idp?.close();
    });

    /** A signed-in session: its id and an access token carrying it. */
    async function signedIn(): Promise<{ sid: string; token: string }> {
      const sid = `session-${++session}`;
      return { sid, token: await signToken(key, { iss: idp.issuer, aud: API, sub: "alice", sid }) };
    }

    const logoutToken = (claims: Record<string, unknown>, signer = key) =>
      signLogoutToken(signer, idp.issuer, CLIENT, claims);

    async function post(body: string, type = FORM): Promise<number> {
      const res = await fetch(app.url + LOGOUT_PATH, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      await res.arrayBuffer();
      // Whatever is posted, the route answers it: never a 5xx.
      expect(res.status).toBeLessThan(500);
      return res.status;
    }

    const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

    async function me(token: string): Promise<number> {
      const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return res.status;
    }

    it("a valid logout token answers 200 and the session's token is refused afterwards; another session is not", async () => {
      const ended = await signedIn();
      const other = await signedIn();
      expect(await me(ended.token)).toBe(200); // now cached
      expect(await post(form(await logoutToken({ sid: ended.sid })))).toBe(200);
      expect(await me(ended.token)).toBe(401);
      expect(await me(other.token)).toBe(200);
    });

    it("a replayed logout token answers 400", async () => {
      const token = await logoutToken({ sid: (await signedIn()).sid });
      expect(await post(form(token))).toBe(200);
      expect(await post(form(token))).toBe(400);
    });

    it("a forged signature answers 400 and revokes nothing", async () => {
      const victim = await signedIn();
      expect(await post(form(await logoutToken({ sid: victim.sid }, evil)))).toBe(400);
      expect(await me(victim.token)).toBe(200);
    });

    it("a body that is not a form answers 400 and revokes nothing", async () => {
      const victim = await signedIn();
      const token = await logoutToken({ sid: victim.sid });
      expect(await post(JSON.stringify({ logout_token: token }), "application/json")).toBe(400);
      expect(await post(form(token), "text/plain")).toBe(400);
      expect(await me(victim.token)).toBe(200);
    });

    it("a form without exactly one logout_token answers 400", async () => {
      expect(await post("")).toBe(400);
      expect(await post("logout_token=")).toBe(400);
    });

    it(`a body over ${MAX_LOGOUT_BODY_BYTES} bytes answers 413 and revokes nothing`, async () => {
      const victim = await signedIn();
      const token = await logoutToken({ sid: victim.sid });
      const padded = `${form(token)}&pad=${"x".repeat(MAX_LOGOUT_BODY_BYTES)}`;
      expect(await post(padded)).toBe(413);
      expect(await me(victim.token)).toBe(200);
    });

    it("is refused when the route is declared on an instance that cannot check logout tokens", async () => {
      // Proxy mode: no issuer or keys to check a logout token with.
      const proxyAuth = createAuth({ env: {}, proxyUrlOverride: idp.issuer, logger: silent });
      await expect(startApp(proxyAuth, { logout: true })).rejects.toThrow(ConfigurationError);
      await expect(startApp(proxyAuth, { logout: true })).rejects.toThrow(/AUTH_PROVIDER=oidc/);
      await proxyAuth.close();
    });
  });
}
