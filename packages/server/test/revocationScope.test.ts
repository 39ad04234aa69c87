import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { type AuthOptions, ConfigurationError } from "../src/index.js";
import {
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signLogoutToken,
  signToken,
  startFakeIdp,
} from "./jwtFixtures.js";
import {
  type Api,
  call,
  eventually as eventuallyWithin,
  postLogout,
  startApi,
} from "./revocationApi.js";

// With many issuers, one tenant's `sub` (sid, jti, user id) is not another's: revocations name
// their issuer, over real HTTP (Express on 127.0.0.1), with and without a real redis-server.

const AUDIENCE = "orders-api";
const CLIENT = "orders-web";

const me = (api: Api, token: string) => call(api, "/me", token);
const eventually = (check: () => Promise<boolean>) => eventuallyWithin(check, 5000);

describe("revocations scoped to an issuer (many issuers)", () => {
  let redis: RedisUnderTest;
  let keyA: FixtureKey;
  let keyB: FixtureKey;
  let keyC: FixtureKey;
  let idpA: FakeIdp;
  let idpB: FakeIdp;
  let idpC: FakeIdp;
  const apis: Api[] = [];
  let prefixes = 0;
  let ids = 0;
  const unique = (name: string) => `${name}-${++ids}`;

  const env = () => ({
    AUTH_PROVIDER: "jwt",
    AUTH_ISSUERS: `${idpA.issuer},${idpB.issuer}`,
    AUTH_AUDIENCE: AUDIENCE,
  });
  const start = async (options: Partial<AuthOptions> = {}) => {
    const api = await startApi({ env: env(), backchannelLogout: { audience: CLIENT }, ...options });
    apis.push(api);
    return api;
  };
  const withRedis = (prefix: string) => ({ redis: { url: redis.url, prefix, timeoutMs: 2000 } });
  /** An access token of tenant A (or B) for the same subject, session or token id. */
  const tokenOf = (tenant: "a" | "b", claims: Record<string, unknown>) =>
    tenant === "a"
      ? signToken(keyA, { iss: idpA.issuer, aud: AUDIENCE, ...claims })
      : signToken(keyB, { iss: idpB.issuer, aud: AUDIENCE, ...claims });

  beforeAll(async () => {
    redis = await startRedis();
    // Every tenant signs under the same kid: scoping must not lean on keys differing.
    [keyA, keyB, keyC] = await Promise.all([
      makeKey("ES256", "k"),
      makeKey("ES256", "k"),
      makeKey("ES256", "k"),
    ]);
    [idpA, idpB, idpC] = await Promise.all([
      startFakeIdp([keyA], "/realms/tenant-a"),
      startFakeIdp([keyB], "/realms/tenant-b"),
      startFakeIdp([keyC], "/realms/tenant-c"),
    ]);
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await Promise.all([idpA, idpB, idpC].map((idp) => idp?.close()));
    await redis?.close();
  });

  describe("auth.revoke in one process", () => {
    it.each(["sub", "userId", "sid", "jti"] as const)(
      "revoke({ %s, iss }) refuses tenant A's token only; tenant B's token with the same id keeps working",
      async (kind) => {
        const api = await start();
        const id = unique(kind);
        const claims = { sub: kind === "sub" || kind === "userId" ? id : "someone", [kind]: id };
        if (kind === "userId") delete claims.userId;
        const a = await tokenOf("a", claims);
        const b = await tokenOf("b", claims);
        expect([await me(api, a), await me(api, b)]).toEqual([200, 200]);
        await api.auth.revoke({ [kind]: id, iss: idpA.issuer } as never);
        expect(await me(api, a)).toBe(401);
        expect(await me(api, b)).toBe(200);
      },
    );

    it("control: revoke({ sub }) without iss refuses the subject at every issuer", async () => {
      const api = await start();
      const sub = unique("everywhere");
      const a = await tokenOf("a", { sub });
      const b = await tokenOf("b", { sub });
      expect([await me(api, a), await me(api, b)]).toEqual([200, 200]);
      await api.auth.revoke({ sub });
      expect([await me(api, a), await me(api, b)]).toEqual([401, 401]);
    });

    it("a malformed iss is refused with a message that says what revoke() takes", async () => {
      const api = await start();
      for (const iss of ["", "has space", "x".repeat(2049)]) {
        await expect(api.auth.revoke({ sub: "42", iss })).rejects.toThrow(/iss/);
      }
      await expect(api.auth.revoke({ token: "t", iss: "https://a" } as never)).rejects.toThrow(
        ConfigurationError,
      );
    });
  });

  describe("with Redis", () => {
    it("a scoped revocation reaches the other instances and later ones; the other tenant's same sub keeps working", async () => {
      const prefix = `rs${++prefixes}:`;
      const one = await start(withRedis(prefix));
      const two = await start(withRedis(prefix));
      const sub = unique("fleet");
      const a = await tokenOf("a", { sub });
      const b = await tokenOf("b", { sub });
      // Both instances hold cached answers for both tokens.
      for (const api of [one, two])
        expect([await me(api, a), await me(api, b)]).toEqual([200, 200]);
      await one.auth.revoke({ sub, iss: idpA.issuer });
      expect(await eventually(async () => (await me(two, a)) === 401)).toBe(true);
      expect(await me(two, b)).toBe(200);
      const later = await start(withRedis(prefix));
      expect(await me(later, a)).toBe(401);
      expect(await me(later, b)).toBe(200);
    });

    it("a service publishing by the documented contract scopes its revocation with iss", async () => {
      const prefix = `rs${++prefixes}:`;
      const api = await start(withRedis(prefix));
      const sid = unique("sid");
      const a = await tokenOf("a", { sub: "x", sid });
      const b = await tokenOf("b", { sub: "x", sid });
      expect([await me(api, a), await me(api, b)]).toEqual([200, 200]);
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const at = String(Date.now());
        await client.set(`${prefix}rev:sid@${encodeURIComponent(idpA.issuer)}:${sid}`, at, {
          PX: 60_000,
        });
        await client.set(`${prefix}rev:sid@:${sid}`, at, { PX: 60_000 });
        const event = { v: 1, type: "revoke", sid, iss: idpA.issuer, at: Number(at) };
        await client.publish(`${prefix}events`, JSON.stringify(event));
      } finally {
        await client.quit();
      }
      expect(await eventually(async () => (await me(api, a)) === 401)).toBe(true);
      expect(await me(api, b)).toBe(200);
      // An instance that missed the message reads the markers.
      const later = await start(withRedis(prefix));
      expect([await me(later, a), await me(later, b)]).toEqual([401, 200]);
    });
  });

  describe("back-channel logout from many issuers", () => {
    const logoutTokenOf = (key: FixtureKey, idp: FakeIdp, claims: Record<string, unknown>) =>
      signLogoutToken(key, idp.issuer, CLIENT, claims);

    it("a logout token of tenant A ends A's user only, checked with A's keys", async () => {
      const api = await start();
      const sub = unique("logout");
      const a = await tokenOf("a", { sub });
      const b = await tokenOf("b", { sub });
      expect([await me(api, a), await me(api, b)]).toEqual([200, 200]);
      expect(await postLogout(api, await logoutTokenOf(keyA, idpA, { sub }))).toBe(200);
      expect(await me(api, a)).toBe(401);
      expect(await me(api, b)).toBe(200);
    });

    it("tenant B's logout of a session ends B's session only (sid and the sid-less tokens of its sub)", async () => {
      const api = await start();
      const sub = unique("both");
      const sid = unique("session");
      const bSession = await tokenOf("b", { sub, sid });
      const bNoSid = await tokenOf("b", { sub });
      const aSession = await tokenOf("a", { sub, sid });
      const aNoSid = await tokenOf("a", { sub });
      expect(await postLogout(api, await logoutTokenOf(keyB, idpB, { sub, sid }))).toBe(200);
      expect([await me(api, bSession), await me(api, bNoSid)]).toEqual([401, 401]);
      expect([await me(api, aSession), await me(api, aNoSid)]).toEqual([200, 200]);
    });

    it("a logout token naming tenant B but signed with tenant A's key (same kid) is 400, nothing revoked", async () => {
      const api = await start();
      const sub = unique("forged");
      const b = await tokenOf("b", { sub });
      expect(await me(api, b)).toBe(200);
      expect(await postLogout(api, await logoutTokenOf(keyA, idpB, { sub }))).toBe(400);
      expect(await me(api, b)).toBe(200);
    });

    it("a logout token of an issuer the API does not list is 400 with no request to that issuer", async () => {
      const api = await start();
      const before = { ...idpC.hits };
      const sub = unique("stranger");
      const a = await tokenOf("a", { sub });
      expect(await postLogout(api, await logoutTokenOf(keyC, idpC, { sub }))).toBe(400);
      expect(idpC.hits).toEqual(before);
      expect(await me(api, a)).toBe(200);
    });

    it("with Redis, a logout at one instance ends tenant A's session on every instance; B's same sid lives", async () => {
      const prefix = `rs${++prefixes}:`;
      const one = await start(withRedis(prefix));
      const two = await start(withRedis(prefix));
      const sid = unique("fleet-session");
      const a = await tokenOf("a", { sub: "u", sid });
      const b = await tokenOf("b", { sub: "u", sid });
      expect([await me(two, a), await me(two, b)]).toEqual([200, 200]);
      expect(await postLogout(one, await logoutTokenOf(keyA, idpA, { sid }))).toBe(200);
      expect(await eventually(async () => (await me(two, a)) === 401)).toBe(true);
      expect(await me(two, b)).toBe(200);
    });
  });
});
