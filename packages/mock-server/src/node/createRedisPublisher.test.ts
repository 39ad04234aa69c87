import { decodeJwt } from "jose";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../../scripts/testing/startRedis.mjs";
import {
  codeFlow,
  oidcRefresh,
  postForm,
  proxyRefresh,
  proxySignIn,
  redeem,
} from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "./startMockServer.js";

describe("the mock publishes on Redis (OXAIGEN_AUTH_MOCK_REDIS_URL)", () => {
  let redis: RedisUnderTest;
  let server: MockServer;
  let subscriber: ReturnType<typeof createClient>;
  let reader: ReturnType<typeof createClient>;
  const messages: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    redis = await startRedis();
    server = await startMockServer({ redisUrl: redis.url, refreshReuseInterval: 0 });
    subscriber = createClient({ url: redis.url });
    reader = createClient({ url: redis.url });
    await Promise.all([subscriber.connect(), reader.connect()]);
    await subscriber.subscribe("oxaigen-auth:events", (m) => messages.push(JSON.parse(m)));
  });

  afterAll(async () => {
    subscriber.destroy();
    reader.destroy();
    await server.close();
    await redis.close();
  });

  async function next(): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 3000;
    while (messages.length === 0) {
      if (Date.now() > deadline) throw new Error("no message published");
      await new Promise((r) => setTimeout(r, 10));
    }
    return messages.shift() as Record<string, unknown>;
  }

  it("publishes a sid revocation, with its marker, on logout", async () => {
    const { access } = await proxySignIn(server);
    const sid = decodeJwt(access).sid;
    const before = Date.now();
    const res = await fetch(`${server.url}/_oxa_auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${access}` },
    });
    expect(res.status).toBe(204);
    const event = await next();
    expect(event).toMatchObject({ v: 1, type: "revoke", sid });
    expect(event.at).toBeGreaterThanOrEqual(before);
    expect(Object.keys(event).sort()).toEqual(["at", "sid", "type", "v"]);
    expect(await reader.get(`oxaigen-auth:rev:sid:${sid}`)).toBe(String(event.at));
    expect(await reader.pTTL(`oxaigen-auth:rev:sid:${sid}`)).toBeGreaterThan(0);
  });

  it("publishes a sid revocation on refresh-token reuse", async () => {
    const { access, refresh } = await proxySignIn(server);
    expect((await proxyRefresh(server, refresh)).status).toBe(200);
    expect((await proxyRefresh(server, refresh)).status).toBe(401);
    expect(await next()).toMatchObject({ type: "revoke", sid: decodeJwt(access).sid });
  });

  /** The marker of a revocation: its value and remaining life. */
  async function marker(key: string) {
    return {
      value: await reader.get(`oxaigen-auth:${key}`),
      ttl: await reader.pTTL(`oxaigen-auth:${key}`),
    };
  }

  it("publishes the grant's sid when an authorization code is replayed", async () => {
    const { tokens, code, verifier } = await codeFlow(server);
    expect((await redeem(server, code, verifier)).status).toBe(400);
    const sid = decodeJwt(tokens.access_token).sid;
    const event = await next();
    expect(event).toMatchObject({ v: 1, type: "revoke", sid });
    expect((await marker(`rev:sid:${sid}`)).value).toBe(String(event.at));
  });

  it("publishes the grant's sid on OpenID refresh-token reuse and on RFC 7009 refresh-token revocation", async () => {
    const reused = await codeFlow(server);
    const refreshToken = reused.tokens.refresh_token as string;
    expect((await oidcRefresh(server, refreshToken)).status).toBe(200);
    expect((await oidcRefresh(server, refreshToken)).status).toBe(400);
    expect(await next()).toMatchObject({
      type: "revoke",
      sid: decodeJwt(reused.tokens.access_token).sid,
    });
    const revoked = await codeFlow(server);
    const res = await postForm(server, "/oidc/revoke", {
      token: revoked.tokens.refresh_token as string,
    });
    expect(res.status).toBe(200);
    expect(await next()).toMatchObject({
      type: "revoke",
      sid: decodeJwt(revoked.tokens.access_token).sid,
    });
  });

  it("publishes a jti revocation, its marker living the token's remaining life, for a revoked access token", async () => {
    const cc = await postForm(server, "/oidc/token", { grant_type: "client_credentials" });
    const token = ((await cc.json()) as { access_token: string }).access_token;
    const { jti, exp } = decodeJwt(token);
    const before = Date.now();
    expect((await postForm(server, "/oidc/revoke", { token })).status).toBe(200);
    const event = await next();
    expect(event).toMatchObject({ v: 1, type: "revoke", jti });
    expect(Object.keys(event).sort()).toEqual(["at", "jti", "type", "v"]);
    const { value, ttl } = await marker(`rev:jti:${jti}`);
    expect(value).toBe(String(event.at));
    const remaining = (exp as number) * 1000 - before;
    expect(ttl).toBeGreaterThan(remaining - 5000);
    expect(ttl).toBeLessThanOrEqual(remaining + 1000);
  });

  it("publishes a jti revocation when a token without a session is logged out", async () => {
    const token = await server.mock.createAccessToken();
    const res = await fetch(`${server.url}/_oxa_auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    const { jti } = decodeJwt(token);
    const event = await next();
    expect(event).toMatchObject({ type: "revoke", jti });
    expect((await marker(`rev:jti:${jti}`)).ttl).toBeGreaterThan(0);
  });

  it("publishes an invalidation when the run-time state changes", async () => {
    const res = await fetch(`${server.url}/_oxa_auth/mock/state`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ permissions: ["read", "audit"] }),
    });
    expect(res.status).toBe(200);
    expect(await next()).toMatchObject({ v: 1, type: "invalidate", all: true });
    expect(await reader.get("oxaigen-auth:inv:all")).not.toBeNull();
    server.reset();
    expect(await next()).toMatchObject({ type: "invalidate", all: true });
  });
});
