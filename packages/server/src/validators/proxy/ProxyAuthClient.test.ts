import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, InvalidTokenError, UpstreamError } from "../../kernel/errors.js";
import { ProxyAuthClient } from "./ProxyAuthClient.js";

// msw cannot see undici's own sockets (mswjs/msw#2165), so the proxy is mocked with undici's
// MockAgent; the integration tests use real node:http stand-ins.
const BASE = "http://proxy.test";
const TOKEN = "secret-token-123";

describe("ProxyAuthClient", () => {
  let agent: MockAgent;
  let client: ProxyAuthClient;
  const pool = () => agent.get(BASE);
  const getMe = () =>
    pool().intercept({
      path: "/_oxa_auth/get-me",
      method: "GET",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  const permission = (name: string) =>
    pool().intercept({
      path: `/_oxa_auth/test-app-permission/${name}`,
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });

  const JSON_TYPE = { headers: { "content-type": "application/json" } };

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    client = new ProxyAuthClient({ dispatcher: agent, timeoutSeconds: 0.2 });
  });
  afterEach(async () => {
    await agent.close();
  });

  it("get-me 200 → User (snake_case mapped, token forwarded as Bearer)", async () => {
    getMe().reply(
      200,
      { id: "u1", user_name: "neo", workspace_permissions: [{ name: "read" }] },
      JSON_TYPE,
    );
    const user = await client.getMe(BASE, TOKEN);
    expect(user).toMatchObject({
      id: "u1",
      userName: "neo",
      permissions: ["read"],
      provider: "proxy",
    });
  });

  it("get-me 401 → InvalidTokenError", async () => {
    getMe().reply(401, { detail: "nope" });
    await expect(client.getMe(BASE, TOKEN)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it.each([
    ["403", 403, "{}"],
    ["404", 404, "{}"],
    ["500", 500, "boom"],
    ["503", 503, ""],
    ["non-JSON", 200, "<html>"],
    ["a JSON array", 200, "[]"],
    ["JSON null", 200, "null"],
    ["a JSON string", 200, '"user"'],
  ])("get-me %s → UpstreamError (502)", async (_name, status, body) => {
    getMe().reply(status, body, JSON_TYPE);
    const error = await client.getMe(BASE, TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(502);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("get-me 200 with is_authenticated=false → InvalidTokenError (fail closed)", async () => {
    getMe().reply(200, { id: "u1", is_authenticated: false }, JSON_TYPE);
    await expect(client.getMe(BASE, TOKEN)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it("a refused connection → UpstreamError", async () => {
    getMe().replyWithError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    );
    await expect(client.getMe(BASE, TOKEN)).rejects.toBeInstanceOf(UpstreamError);
  });

  it("a slow proxy → UpstreamError within the timeout", async () => {
    getMe().reply(200, { id: "late" }, JSON_TYPE).delay(2_000);
    const started = Date.now();
    const error = await client.getMe(BASE, TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain("no answer within 200 ms");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("an oversized body → UpstreamError", async () => {
    const small = new ProxyAuthClient({ dispatcher: agent, maxResponseBytes: 64 });
    getMe().reply(200, { id: "x".repeat(200) }, JSON_TYPE);
    await expect(small.getMe(BASE, TOKEN)).rejects.toBeInstanceOf(UpstreamError);
  });

  it("test-app-permission: 200 granted, 403 denied, 401 invalid, 500 upstream", async () => {
    permission("audit").reply(200, "");
    expect(await client.testPermission(BASE, TOKEN, "audit")).toBe(true);
    permission("audit").reply(403, "");
    expect(await client.testPermission(BASE, TOKEN, "audit")).toBe(false);
    permission("audit").reply(401, "");
    await expect(client.testPermission(BASE, TOKEN, "audit")).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    permission("audit").reply(500, "");
    await expect(client.testPermission(BASE, TOKEN, "audit")).rejects.toBeInstanceOf(UpstreamError);
  });

  it.each([
    ["read:messages", "read%3Amessages"],
    ["https://api.example.com/read", "https%3A%2F%2Fapi.example.com%2Fread"],
    ["a/../../x", "a%2F..%2F..%2Fx"],
    ["a?b#c", "a%3Fb%23c"],
  ])("test-app-permission sends %j as one encoded path segment (%s)", async (name, segment) => {
    pool()
      .intercept({ path: `/_oxa_auth/test-app-permission/${segment}`, method: "POST" })
      .reply(200, "");
    expect(await client.testPermission(BASE, TOKEN, name)).toBe(true);
  });

  it.each(["..", ".", "", "a b", 'a"b', "a\\b", "x".repeat(129)])(
    "test-app-permission refuses the name %j before any call",
    async (name) => {
      // Matches any path: without the check the call would go out and answer "granted".
      pool()
        .intercept({ path: () => true, method: "POST" })
        .reply(200, "");
      await expect(client.testPermission(BASE, TOKEN, name)).rejects.toBeInstanceOf(
        ConfigurationError,
      );
      expect(agent.pendingInterceptors()).toHaveLength(1);
    },
  );
});
