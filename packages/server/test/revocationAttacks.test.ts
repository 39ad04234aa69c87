import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import type { AuthOptions } from "../src/index.js";
import {
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signLogoutToken,
  signToken,
  startFakeIdp,
} from "./jwtFixtures.js";
import { type Api, call, eventually, postLogout, startApi } from "./revocationApi.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

// Attacks on revocation and the shared cache, each over real HTTP (Express apps on 127.0.0.1)
// with a real redis-server where Redis is involved.

/** The P-256 group order n: an ECDSA signature (r, s) also verifies as (r, n − s). */
const P256_N = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

/** The same JWS with its signature's last base64url character spelled differently. */
function respellLastChar(token: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = token.at(-1) as string;
  // 64 signature bytes leave 2 unused low bits in the last character: flip one of them.
  const respelled = alphabet[alphabet.indexOf(last) ^ 1] as string;
  return token.slice(0, -1) + respelled;
}

/** The same ES256 JWS with its signature (r, s) rewritten as (r, n − s). */
function respellEcdsa(token: string): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const bytes = Buffer.from(signature, "base64url");
  const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`);
  const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, "0"), "hex");
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), flipped]).toString("base64url")}`;
}

describe("revocation and the shared cache under attack", () => {
  let redis: RedisUnderTest;
  let keyA: FixtureKey;
  let keyB: FixtureKey;
  let idpA: FakeIdp;
  let idpB: FakeIdp;
  const apis: Api[] = [];
  let prefixes = 0;
  const prefix = () => `ra${++prefixes}:`;

  const jwtApi = (idp: FakeIdp, audience: string, extra: Record<string, string> = {}) =>
    ({
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUER: idp.issuer,
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_AUDIENCE: audience,
      ...extra,
    }) as Record<string, string>;
  const start = async (options: AuthOptions) => {
    const api = await startApi(options);
    apis.push(api);
    return api;
  };
  const tokenA = (claims: Record<string, unknown> = {}) =>
    signToken(keyA, { iss: idpA.issuer, aud: "api-a", permissions: ["admin"], ...claims });

  beforeAll(async () => {
    redis = await startRedis();
    keyA = await makeKey("ES256", "shared-kid");
    keyB = await makeKey("ES256", "shared-kid");
    idpA = await startFakeIdp([keyA], "/a");
    idpB = await startFakeIdp([keyB], "/b");
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await idpA.close();
    await idpB.close();
    await redis.close();
  });

  describe("1. the shared level never crosses APIs", () => {
    it("API B never serves API A's cached user (nor its permissions), and B's 401 never refuses A's token", async () => {
      const p = prefix();
      const a = await start({ env: jwtApi(idpA, "api-a"), redis: { url: redis.url, prefix: p } });
      const b = await start({ env: jwtApi(idpB, "api-b"), redis: { url: redis.url, prefix: p } });
      const token = await tokenA();
      expect(await call(b, "/admin", token)).toBe(401);
      expect(await call(a, "/admin", token)).toBe(200);
      // Before: B found A's shared answer under the same key and let the token in as admin.
      expect(await call(b, "/me", token)).toBe(401);
      expect(await call(b, "/admin", token)).toBe(401);
      // And the other way round: B's shared negative answer must not refuse A's valid token.
      const fresh = await tokenA({ sub: "user-2" });
      expect(await call(b, "/me", fresh)).toBe(401);
      expect(await call(a, "/me", fresh)).toBe(200);
    });

    it("two instances of one API still share answers (one key verification for both)", async () => {
      const p = prefix();
      // A generous Redis bound: on a loaded machine a timed-out read is a (legitimate) miss.
      const redisOptions = { url: redis.url, prefix: p, timeoutMs: 2000 };
      const one = await start({ env: jwtApi(idpA, "api-a"), redis: redisOptions });
      const two = await start({ env: jwtApi(idpA, "api-a"), redis: redisOptions });
      const token = await tokenA({ sub: "user-3" });
      expect(await call(one, "/me", token)).toBe(200);
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        // The shared entry is written in the background: wait for it, then the other instance
        // answers without verifying.
        expect(await eventually(async () => (await client.keys(`${p}u:*`)).length > 0)).toBe(true);
      } finally {
        await client.quit();
      }
      let verified = 0;
      const verify = two.auth.validator.verify.bind(two.auth.validator);
      (two.auth.validator as { verify: typeof verify }).verify = (t, ctx) => {
        verified++;
        return verify(t, ctx);
      };
      expect(await call(two, "/me", token)).toBe(200);
      expect(verified).toBe(0);
    });
  });

  describe("2. a revoked JWT stays revoked however it is spelled", () => {
    it("in memory: both re-spellings verify, and both are refused after revoke({ token })", async () => {
      const api = await start({ env: jwtApi(idpA, "api-a") });
      const token = await tokenA({ sub: "spelled" });
      const spellings = [respellLastChar(token), respellEcdsa(token)];
      // Control: each re-spelling is a valid JWS the API accepts.
      for (const spelling of spellings) expect(await call(api, "/me", spelling)).toBe(200);
      await api.auth.revoke({ token });
      expect(await call(api, "/me", token)).toBe(401);
      for (const spelling of spellings) expect(await call(api, "/me", spelling)).toBe(401);
    });

    it("with Redis: revoked on one instance, every spelling is refused on another", async () => {
      const p = prefix();
      const one = await start({ env: jwtApi(idpA, "api-a"), redis: { url: redis.url, prefix: p } });
      const token = await tokenA({ sub: "spelled-2" });
      await one.auth.revoke({ token: respellLastChar(token) });
      const two = await start({ env: jwtApi(idpA, "api-a"), redis: { url: redis.url, prefix: p } });
      for (const spelling of [token, respellLastChar(token), respellEcdsa(token)]) {
        expect(await call(two, "/me", spelling)).toBe(401);
      }
    });
  });

  describe("3. sub and sid revocations catch every token issued before them", () => {
    let proxy: StandInProxy;
    beforeAll(async () => {
      proxy = await startStandInProxy({
        "opaque-alice-1": userBody("alice"),
        "opaque-alice-2": userBody("alice"),
      });
    });
    afterAll(() => proxy.close());

    it("proxy mode without Redis: an opaque token is refused right after revoke({ sub })", async () => {
      const api = await start({ env: {}, proxyUrlOverride: proxy.url });
      expect(await call(api, "/me", "opaque-alice-1")).toBe(200);
      await api.auth.revoke({ sub: "alice" });
      // Before: re-validated at once, it counted as issued now and came back.
      expect(await call(api, "/me", "opaque-alice-1")).toBe(401);
    });

    it("proxy mode with Redis: once no cached answer is left, the fleet's first sight still dates the token", async () => {
      const p = prefix();
      // No cached answers anywhere (cache TTL 0): only the marker and the first sight remain.
      const options = {
        env: { OXAIGEN_AUTH_CACHE_TTL_SECONDS: "0" },
        proxyUrlOverride: proxy.url,
        redis: { url: redis.url, prefix: p, timeoutMs: 2000 },
      };
      const one = await start(options);
      expect(await call(one, "/me", "opaque-alice-2")).toBe(200);
      await one.auth.revoke({ sub: "alice" });
      const two = await start(options);
      // Before: validated again, it counted as issued now, after the marker, and answered 200.
      expect(await call(two, "/me", "opaque-alice-2")).toBe(401);
      expect(await call(one, "/me", "opaque-alice-2")).toBe(401);
    });

    it("JWT mode: a token without iat is refused after revoke({ sid })", async () => {
      const api = await start({ env: jwtApi(idpA, "api-a") });
      const token = await tokenA({ sub: "no-iat", sid: "sid-no-iat", iat: undefined });
      expect(await call(api, "/me", token)).toBe(200);
      await api.auth.revoke({ sid: "sid-no-iat" });
      expect(await call(api, "/me", token)).toBe(401);
    });

    it("an identity provider whose clock runs 5 s ahead does not escape revoke({ sub })", async () => {
      const api = await start({ env: jwtApi(idpA, "api-a") });
      const ahead = Math.floor(Date.now() / 1000) + 5;
      const token = await tokenA({ sub: "early-bird", iat: ahead });
      expect(await call(api, "/me", token)).toBe(200);
      await api.auth.revoke({ sub: "early-bird" });
      expect(await call(api, "/me", token)).toBe(401);
    });
  });

  describe("4. revocation by the mapped user id", () => {
    it("revoke({ userId }) refuses the tokens whose User.id comes from another claim; { sub } names the claim", async () => {
      const api = await start({ env: jwtApi(idpA, "api-a", { AUTH_USER_ID_CLAIM: "oid" }) });
      const token = await tokenA({ sub: "pairwise-sub", oid: "user-42" });
      const response = await fetch(`${api.url}/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await response.json()).toEqual({ id: "user-42" });
      await api.auth.revoke({ sub: "user-42" });
      expect(await call(api, "/me", token)).toBe(200);
      await api.auth.revoke({ userId: "user-42" });
      expect(await call(api, "/me", token)).toBe(401);
    });
  });

  describe("5. back-channel logout revokes what it names", () => {
    const CLIENT = "web-client";
    const logout = async (api: Api, claims: Record<string, unknown>, typ?: string) => {
      let token = await signLogoutToken(keyA, idpA.issuer, CLIENT, claims);
      if (typ !== undefined) {
        const { SignJWT } = await import("jose");
        token = await new SignJWT({
          iss: idpA.issuer,
          aud: CLIENT,
          jti: `jti-${Math.random()}`,
          events: { "http://schemas.openid.net/event/backchannel-logout": {} },
          ...claims,
        })
          .setProtectedHeader({ alg: keyA.alg, kid: keyA.kid, typ })
          .setIssuedAt()
          .sign(keyA.privateKey);
      }
      return postLogout(api, token);
    };

    it("sid + sub: the session's tokens and the subject's sid-less tokens are refused; other sessions continue", async () => {
      const api = await start({
        env: jwtApi(idpA, "api-a"),
        backchannelLogout: { audience: CLIENT },
      });
      const sidless = await tokenA({ sub: "carol" });
      const inSession = await tokenA({ sub: "carol", sid: "s-ended" });
      const otherSession = await tokenA({ sub: "carol", sid: "s-other" });
      for (const token of [sidless, inSession, otherSession]) {
        expect(await call(api, "/me", token)).toBe(200);
      }
      expect(await logout(api, { sub: "carol", sid: "s-ended" })).toBe(200);
      expect(await call(api, "/me", inSession)).toBe(401);
      // Before: only the sid was revoked, so the sid-less access token kept working.
      expect(await call(api, "/me", sidless)).toBe(401);
      expect(await call(api, "/me", otherSession)).toBe(200);
    });

    it.each([
      ["logout+jwt", 200],
      ["JWT", 200],
      ["application/logout+jwt", 200],
      ["at+jwt", 400],
      ["application/at+jwt", 400],
      ["id+jwt", 400],
    ])("a logout token typed %s answers %i", async (typ, status) => {
      const api = await start({
        env: jwtApi(idpA, "api-a"),
        backchannelLogout: { audience: CLIENT },
      });
      expect(await logout(api, { sid: `typ-${typ}` }, typ)).toBe(status);
    });

    it("an ID token or an access token sent as a logout token is refused", async () => {
      const api = await start({
        env: jwtApi(idpA, "api-a"),
        backchannelLogout: { audience: CLIENT },
      });
      expect(await logout(api, { sid: "s-x", nonce: "n" })).toBe(400);
      expect(await logout(api, { sid: "s-y", typ: "Bearer" }, "JWT")).toBe(400);
    });
  });

  describe("6. revocations last as long as the token", () => {
    it("markers outlive AUTH_REVOCATION_TTL_SECONDS: a token's until its exp, a subject's for the longest token lifetime", async () => {
      const p = prefix();
      const env = jwtApi(idpA, "api-a", { AUTH_REVOCATION_TTL_SECONDS: "1" });
      const one = await start({ env, redis: { url: redis.url, prefix: p } });
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const token = await tokenA({ sub: "long-lived", exp });
      await one.auth.revoke({ token });
      await one.auth.revoke({ sid: "long-session" });
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const tokenMarker = await client.keys(`${p}rev:tok:*`);
        expect(tokenMarker).toHaveLength(1);
        // Before: 1000 ms, so after 2 s the revoked token answered 200 again.
        expect(await client.pTTL(tokenMarker[0] as string)).toBeGreaterThan(3_500_000);
        expect(await client.pTTL(`${p}rev:sid:long-session`)).toBeGreaterThan(86_400_000);
      } finally {
        await client.quit();
      }
    });

    it("a token living longer than AUTH_MAX_TOKEN_LIFETIME_SECONDS is refused (a revocation could not outlast it)", async () => {
      const api = await start({
        env: jwtApi(idpA, "api-a", { AUTH_MAX_TOKEN_LIFETIME_SECONDS: "600" }),
      });
      const now = Math.floor(Date.now() / 1000);
      expect(await call(api, "/me", await tokenA({ exp: now + 600 }))).toBe(200);
      expect(await call(api, "/me", await tokenA({ exp: now + 7200 }))).toBe(401);
    });
  });

  describe("7. an unreadable marker never lets a token in", () => {
    it("while Redis does not answer: a revoked token gets 503 + Retry-After (not 200), a token checked before keeps working", async () => {
      const p = prefix();
      const revoker = await start({
        env: jwtApi(idpA, "api-a"),
        redis: { url: redis.url, prefix: p },
      });
      const revoked = await tokenA({ sub: "mallory" });
      const known = await tokenA({ sub: "known" });
      await revoker.auth.revoke({ token: revoked });
      const slow = await start({
        env: jwtApi(idpA, "api-a", { OXAIGEN_AUTH_CACHE_TTL_SECONDS: "0" }),
        redis: { url: redis.url, prefix: p },
      });
      expect(await call(slow, "/me", known)).toBe(200);
      // Redis stops answering (SIGSTOP: connections stay open, replies never come).
      const admin = createClient({ url: redis.url });
      await admin.connect();
      const info = await admin.info("server");
      await admin.quit();
      const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
      process.kill(pid, "SIGSTOP");
      try {
        const response = await fetch(`${slow.url}/me`, {
          headers: { authorization: `Bearer ${revoked}` },
        });
        // Before: 200 (accepted, then cached as good).
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("1");
        expect(await response.json()).toMatchObject({ error: "revocation_unavailable" });
        expect(await call(slow, "/me", known)).toBe(200);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      // Redis back: the revoked token is refused as revoked, and was never cached as good.
      expect(await eventually(async () => (await call(slow, "/me", revoked)) === 401)).toBe(true);
    });
  });

  describe("8. a flood cannot starve signed-in users", () => {
    it("when even the signed-in lane is full, a recently validated, unrevoked answer is served stale; a revoked one is not", async () => {
      const proxy = await startStandInProxy({
        "stale-ok": userBody("erin"),
        "stale-revoked": userBody("frank"),
      });
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      try {
        const api = await start({
          env: {
            AUTH_UPSTREAM_MAX_CONCURRENCY: "1",
            AUTH_UPSTREAM_MAX_QUEUE: "0",
            OXAIGEN_AUTH_CACHE_TTL_SECONDS: "10",
          },
          proxyUrlOverride: proxy.url,
        });
        expect(await call(api, "/me", "stale-ok")).toBe(200);
        expect(await call(api, "/me", "stale-revoked")).toBe(200);
        await api.auth.revoke({ sub: "frank" });
        vi.setSystemTime(Date.now() + 12_000);
        let release = () => {};
        proxy.hold = new Promise<void>((resolve) => {
          release = resolve;
        });
        const bogus = call(api, "/me", "bogus-stale");
        expect(await eventually(async () => proxy.maxInFlight >= 1)).toBe(true);
        const calls = proxy.calls.getMe;
        expect(await call(api, "/me", "stale-ok")).toBe(200);
        // Its cached answer was dropped by the revocation: nothing stale to serve, it waits its turn.
        expect(await call(api, "/me", "stale-revoked")).toBe(503);
        release();
        expect(await bogus).toBe(401);
        expect(proxy.calls.getMe - calls).toBe(1);
      } finally {
        vi.useRealTimers();
        proxy.hold = undefined;
        await proxy.close();
      }
    });

    it("a signed-in user whose cached answer expired is answered while new tokens fill the limiter", async () => {
      const proxy = await startStandInProxy({ "signed-in": userBody("dana") });
      try {
        const api = await start({
          env: {
            AUTH_UPSTREAM_MAX_CONCURRENCY: "4",
            AUTH_UPSTREAM_MAX_QUEUE: "4",
            OXAIGEN_AUTH_CACHE_TTL_SECONDS: "0",
          },
          proxyUrlOverride: proxy.url,
        });
        expect(await call(api, "/me", "signed-in")).toBe(200);
        let release = () => {};
        proxy.hold = new Promise<void>((resolve) => {
          release = resolve;
        });
        const flood = Array.from({ length: 24 }, (_, i) => call(api, "/me", `bogus-${i}`));
        // The flood holds every slot it may take; the rest of it is refused at once.
        expect(await eventually(async () => proxy.maxInFlight === 3)).toBe(true);
        const signedIn = call(api, "/me", "signed-in");
        // Before: the signed-in request got 503 with the flood; now it reaches the upstream.
        expect(await eventually(async () => proxy.maxInFlight === 4)).toBe(true);
        release();
        expect(await signedIn).toBe(200);
        const codes = await Promise.all(flood);
        expect(codes.filter((code) => code === 503).length).toBeGreaterThan(0);
        expect(codes.every((code) => code === 401 || code === 503)).toBe(true);
      } finally {
        proxy.hold = undefined;
        await proxy.close();
      }
    });
  });
});
