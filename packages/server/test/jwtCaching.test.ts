import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/index.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";

describe("local JWT mode behind the shared cache", () => {
  let key: FixtureKey;
  let idp: FakeIdp;
  beforeAll(async () => {
    key = await makeKey("ES256", "cache");
    idp = await startFakeIdp([key]);
  });
  afterAll(() => idp.close());
  afterEach(() => vi.useRealTimers());

  const make = (extra: Record<string, string> = {}) =>
    createAuth({
      env: { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api", ...extra },
      logger: { warn() {} },
    });
  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("never serves a cached user beyond the token's exp, even with a long cache TTL", async () => {
    // Only Date is faked (the JWKS server keeps answering); faked before creation so the cache's
    // clock is the fake one.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const auth = make({ OXAIGEN_AUTH_CACHE_TTL_SECONDS: "3600" });
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, { iss: idp.issuer, aud: "api", exp: now + 120 });
    await expect(auth.getCurrentUser(req(token))).resolves.toMatchObject({ id: "user-1" });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    await expect(auth.getCurrentUser(req(token))).rejects.toMatchObject({
      status: 401,
      code: "invalid_token",
    });
  });

  it("a token is verified once: concurrent requests share one verification, later ones hit the cache", async () => {
    const auth = make();
    const token = await signToken(key, { iss: idp.issuer, aud: "api" });
    const verify = vi.spyOn(auth.validator, "verify");
    const users = await Promise.all(
      Array.from({ length: 25 }, () => auth.getCurrentUser(req(token))),
    );
    expect(new Set(users.map((u) => u.id))).toEqual(new Set(["user-1"]));
    await auth.getCurrentUser(req(token));
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("a JWKS outage is a 502 that is not cached: the same token works once the keys are back", async () => {
    const down = await startFakeIdp([key]);
    down.failWith = 503;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const auth = createAuth({
      // A long negative-cache TTL: if the 502 were cached, the retry below would still fail.
      env: {
        AUTH_ISSUER: down.issuer,
        AUTH_AUDIENCE: "api",
        OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS: "600",
      },
      logger: { warn() {} },
    });
    try {
      const token = await signToken(key, { iss: down.issuer, aud: "api" });
      await expect(auth.getCurrentUser(req(token))).rejects.toMatchObject({ status: 502 });
      down.failWith = undefined;
      // The key set backs off for a few seconds after a failure; move the clock past it.
      vi.setSystemTime(Date.now() + 6_000);
      await expect(auth.getCurrentUser(req(token))).resolves.toMatchObject({ id: "user-1" });
    } finally {
      await down.close();
    }
  });
});
