import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../../scripts/testing/startRedis.mjs";
import {
  type FakeIdp,
  type FixtureKey,
  jwtModeEnv,
  makeKey,
  signLogoutToken,
  signToken,
  startFakeIdp,
} from "../../test/jwtFixtures.js";
import type { Auth } from "../kernel/Auth.js";
import { ConfigurationError } from "../kernel/errors.js";
import { replayWindowMs } from "../logout/verifyLogoutToken.js";
import { createAuth } from "./createAuth.js";

const FORM = "application/x-www-form-urlencoded";
const silent = { warn: () => {}, error: () => {} };

describe("auth.handleBackchannelLogout", () => {
  let idp: FakeIdp;
  let key: FixtureKey;
  let redis: RedisUnderTest;
  const instances: Auth[] = [];

  beforeAll(async () => {
    key = await makeKey("ES256", "k1");
    [idp, redis] = await Promise.all([startFakeIdp([key]), startRedis()]);
  });

  afterAll(async () => {
    await Promise.all(instances.map((auth) => auth.close()));
    await idp.close();
    await redis.close();
  });

  /** JWT mode from the environment, as an app configures it. */
  function jwtAuth(env: Record<string, string> = {}, redisPrefix?: string): Auth {
    const auth = createAuth({
      env: jwtModeEnv(idp, env),
      logger: silent,
      ...(redisPrefix === undefined ? {} : { redis: { url: redis.url, prefix: redisPrefix } }),
    });
    instances.push(auth);
    return auth;
  }

  /** Resolves once a sight claimed on `a` is seen by `b` (Redis connected on both, not just attached). */
  async function sharing(a: Auth, b: Auth): Promise<void> {
    await Promise.all([a.ready(), b.ready()]);
    for (let probe = 0; probe < 50; probe++) {
      const id = `probe-${probe}-${Math.random()}`;
      if ((await a.firstSight(id, 10_000)) && !(await b.firstSight(id, 10_000))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the two instances never shared Redis");
  }

  const logoutForm = async (aud: string, claims: Record<string, unknown>) =>
    `logout_token=${await signLogoutToken(key, idp.issuer, aud, claims)}`;

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("takes the audience from AUTH_BACKCHANNEL_LOGOUT_AUDIENCE (a list) and revokes the subject's sessions", async () => {
    const auth = jwtAuth({
      AUTH_AUDIENCE: "orders-api",
      AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: "other-web, orders-web",
    });
    const token = await signToken(key, { iss: idp.issuer, aud: "orders-api", sub: "bob" });
    expect((await auth.getCurrentUser(bearer(token))).id).toBe("bob");
    const apiAudience = await logoutForm("orders-api", { sub: "bob" });
    expect((await auth.handleBackchannelLogout(FORM, apiAudience)).status).toBe(400);
    const answer = await auth.handleBackchannelLogout(
      FORM,
      await logoutForm("orders-web", { sub: "bob" }),
    );
    expect(answer).toMatchObject({ status: 200, headers: { "cache-control": "no-store" } });
    await expect(auth.getCurrentUser(bearer(token))).rejects.toMatchObject({ status: 401 });
  });

  it("falls back to AUTH_AUDIENCE when no logout audience is set", async () => {
    const auth = jwtAuth({ AUTH_AUDIENCE: "orders-api" });
    const form = await logoutForm("orders-api", { sid: "s-fallback" });
    expect((await auth.handleBackchannelLogout(FORM, form)).status).toBe(200);
  });

  it("the typed option wins over the environment", async () => {
    const auth = createAuth({
      env: jwtModeEnv(idp, {
        AUTH_AUDIENCE: "orders-api",
        AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: "env-web",
      }),
      backchannelLogout: { audience: "typed-web" },
      logger: silent,
    });
    instances.push(auth);
    const typed = await logoutForm("typed-web", { sid: "s-typed" });
    expect((await auth.handleBackchannelLogout(FORM, typed)).status).toBe(200);
    const fromEnv = await logoutForm("env-web", { sid: "s-env" });
    expect((await auth.handleBackchannelLogout(FORM, fromEnv)).status).toBe(400);
  });

  it("with Redis, a logout token replayed to another instance is refused there (SET NX under the prefix)", async () => {
    const env = { AUTH_AUDIENCE: "orders-api", AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: "orders-web" };
    const a = jwtAuth(env, "bcl:");
    const b = jwtAuth(env, "bcl:");
    await sharing(a, b);
    const form = await logoutForm("orders-web", { sid: "s-fleet" });
    // As a provider does: a 503 (Redis slow under load) is retried with the same token.
    let first = await a.handleBackchannelLogout(FORM, form);
    for (let retry = 0; first.status === 503 && retry < 5; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      first = await a.handleBackchannelLogout(FORM, form);
    }
    expect(first.status).toBe(200);
    expect((await b.handleBackchannelLogout(FORM, form)).status).toBe(400);
    const keys = execFileSync("redis-cli", [
      "-p",
      String(redis.port),
      "--raw",
      "KEYS",
      "bcl:once:*",
    ]);
    // The logout token's claim beside the readiness probes' (ids hashed, under the prefix).
    expect(keys.toString().trim().split("\n").length).toBeGreaterThanOrEqual(2);
  });

  it("with Redis, a forgotten sight (its revocation failed) may be seen again on any instance", async () => {
    const a = jwtAuth({ AUTH_AUDIENCE: "orders-api" }, "bcl2:");
    const b = jwtAuth({ AUTH_AUDIENCE: "orders-api" }, "bcl2:");
    await sharing(a, b);
    const id = "logout\niss\njti-1";
    expect(await a.firstSight(id, 60_000)).toBe(true);
    await a.forgetSight(id); // e.g. Redis could not be told of the revocation: a 503
    expect(await b.firstSight(id, 60_000)).toBe(true); // the provider's retry, on another instance
    expect(await a.firstSight(id, 60_000)).toBe(false); // and now it is claimed again
  });

  it("answers 503 (the provider retries) when the provider's keys cannot be fetched", async () => {
    const auth = jwtAuth({ AUTH_AUDIENCE: "orders-api" });
    const form = await logoutForm("orders-api", { sid: "s-outage" });
    idp.failWith = 503;
    try {
      const answer = await auth.handleBackchannelLogout(FORM, form);
      expect(answer.status).toBe(503);
      expect(answer.headers["retry-after"]).toBe("1");
    } finally {
      idp.failWith = undefined;
    }
  });

  it.each([
    [
      "proxy mode",
      { OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.example.com" },
      /AUTH_PROVIDER=oidc/,
    ],
    [
      "no audience at all",
      {
        AUTH_PROVIDER: "jwt",
        AUTH_ISSUER: "https://id.example.com",
        AUTH_VERIFY_AUDIENCE: "false",
      },
      /AUTH_BACKCHANNEL_LOGOUT_AUDIENCE/,
    ],
    [
      "the issuer check off",
      {
        AUTH_PROVIDER: "jwt",
        AUTH_JWKS_URL: "https://id.example.com/jwks",
        AUTH_VERIFY_ISSUER: "false",
        AUTH_AUDIENCE: "api",
      },
      /AUTH_ISSUER/,
    ],
    [
      "many issuers, none listed by its exact iss",
      {
        AUTH_PROVIDER: "azure",
        AUTH_ISSUERS: "https://login.microsoftonline.com/{tenantid}/v2.0",
        AUTH_AUDIENCE: "api",
      },
      /must be configured by its exact iss/,
    ],
  ])(
    "without what it needs (%s) it refuses with a ConfigurationError saying what to set",
    async (_name, env, hint) => {
      const auth = createAuth({ env, logger: silent });
      instances.push(auth);
      expect(() => auth.backchannelLogout()).toThrow(ConfigurationError);
      expect(() => auth.backchannelLogout()).toThrow(hint);
      await expect(auth.handleBackchannelLogout(FORM, "logout_token=x")).rejects.toThrow(hint);
    },
  );
});

describe("replayWindowMs", () => {
  const now = 1_000_000_000_000;
  it("remembers a jti until the token's exp plus the clock tolerance", () => {
    expect(replayWindowMs(now / 1000 + 60, now)).toBe(90_000);
  });
  it("never longer than a token can pass the iat check, never under a second", () => {
    expect(replayWindowMs(now / 1000 + 86_400, now)).toBe(180_000);
    expect(replayWindowMs(now / 1000 - 3600, now)).toBe(1000);
  });
});
