import type { AddressInfo } from "node:net";
import { type MockServer, startMockServer } from "@org/auth-mock-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createDemoApi } from "../src/server.js";

const WEB_ORIGIN = "http://localhost:5173";
type DemoApi = ReturnType<typeof createDemoApi>;

let mock: MockServer;
const running: DemoApi[] = [];

beforeAll(async () => {
  mock = await startMockServer({
    corsOrigins: [WEB_ORIGIN],
    userId: "api-test-user",
    email: "api.test@example.com",
    permissions: ["read"],
  });
});
afterEach(async () => {
  mock.reset();
  await Promise.all(running.splice(0).map((api) => api.close()));
});
afterAll(async () => {
  await mock.close();
});

async function startApi(env: Record<string, string>): Promise<string> {
  const api = createDemoApi({ webOrigins: [WEB_ORIGIN], env });
  running.push(api);
  await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}

const proxyEnv = () => ({
  OXAIGEN_AUTH_DEV_MODE: "1",
  OXAIGEN_AUTH_DEV_PROXY_URL: mock.url,
  OXAIGEN_AUTH_CACHE_TTL_SECONDS: "1",
});
const jwtEnv = () => ({
  AUTH_PROVIDER: "jwt",
  AUTH_ISSUER: mock.url,
  AUTH_AUDIENCE: "oxaigen-mock",
});

/** A JWT from the mock's real login flow (login → code → token-exchange). */
async function loginJwt(): Promise<string> {
  const message = await mock.completeLogin({ state: "s".repeat(43), origin: WEB_ORIGIN });
  expect(message.type).toBe("OXA_AUTH_SUCCESS");
  const response = await fetch(`${mock.url}/_oxa_auth/token-exchange`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_ORIGIN },
    body: JSON.stringify({ code: (message as { code: string }).code }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function get(url: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

/** Open a WebSocket and collect the first `count` messages, or the refused status. */
function openSocket(
  url: string,
  protocols: string[],
  send?: string,
): Promise<{ protocol: string; messages: unknown[] } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    const messages: unknown[] = [];
    socket.on("unexpected-response", (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.on("open", () => {
      if (send) socket.send(send);
    });
    socket.on("message", (data) => {
      messages.push(JSON.parse(data.toString()));
      if (messages.length === (send ? 2 : 1)) {
        resolve({ protocol: socket.protocol, messages });
        socket.close();
      }
    });
    socket.on("error", reject);
  });
}

describe.each([
  ["proxy mode (OXAIGEN_AUTH_DEV_MODE=1)", proxyEnv],
  ["local JWT mode (AUTH_PROVIDER=jwt)", jwtEnv],
])("demo API, %s", (_name, env) => {
  it("serves /health publicly and answers 401 with a Bearer challenge without a token", async () => {
    const url = await startApi(env());
    expect((await get(`${url}/health`)).status).toBe(200);
    const me = await get(`${url}/v1/me`);
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(me.body.error).toBeTypeOf("string");
    expect((await get(`${url}/v1/me`, "not-a-valid-token")).status).toBe(401);
  });

  it("returns the user of a mock-issued JWT on /v1/me and /v1/maybe-public", async () => {
    const url = await startApi(env());
    const token = await loginJwt();
    const me = await get(`${url}/v1/me`, token);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: "api-test-user", email: "api.test@example.com" });
    expect((await get(`${url}/v1/maybe-public`, token)).body).toEqual({
      signed_in: true,
      email: "api.test@example.com",
    });
    expect((await get(`${url}/v1/maybe-public`)).body).toEqual({ signed_in: false });
  });

  it("guards /v1/audit with the 'audit' permission", async () => {
    const url = await startApi(env());
    const denied = await get(`${url}/v1/audit`, await loginJwt());
    expect(denied.status).toBe(403);
    mock.setState({ permissions: ["read", "audit"] });
    // A fresh token carries the new permission in JWT mode; in proxy mode the mock answers.
    const granted = await get(`${url}/v1/audit`, await loginJwt());
    expect(granted.status).toBe(200);
    expect(granted.body.user_id).toBe("api-test-user");
  });

  it("opens /ws with the subprotocol token, answers oxa-auth, says hello and echoes", async () => {
    const url = await startApi(env());
    const token = await loginJwt();
    const result = await openSocket(
      `${url.replace("http", "ws")}/ws`,
      ["oxa-auth", `oxa-auth.bearer.${token}`],
      "ping",
    );
    expect(result).toEqual({
      protocol: "oxa-auth",
      messages: [
        { type: "hello", user_id: "api-test-user" },
        { type: "echo", data: "ping" },
      ],
    });
  });

  it("refuses unauthenticated or badly authenticated upgrades before the socket opens", async () => {
    const url = await startApi(env());
    const ws = `${url.replace("http", "ws")}/ws`;
    expect(await openSocket(ws, [])).toEqual({ refused: 401 });
    expect(await openSocket(ws, ["oxa-auth", "oxa-auth.bearer.forged"])).toEqual({ refused: 401 });
    expect(await openSocket(`${url.replace("http", "ws")}/elsewhere`, [])).toEqual({
      refused: 404,
    });
  });
});

describe("demo API CORS", () => {
  it("allows the web origin with credentials and the Authorization header, nobody else", async () => {
    const url = await startApi(proxyEnv());
    const preflight = await fetch(`${url}/v1/me`, {
      method: "OPTIONS",
      headers: {
        origin: WEB_ORIGIN,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "authorization",
    );
    const foreign = await get(`${url}/health`, undefined, { origin: "http://evil.example" });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("local JWT mode", () => {
  it("validates without calling the proxy: a valid JWT passes while get-me is unreachable", async () => {
    const token = await loginJwt();
    // Point proxy settings at a dead address: JWT mode must not care.
    const url = await startApi({
      ...jwtEnv(),
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "http://127.0.0.1:9",
    });
    expect((await get(`${url}/v1/me`, token)).status).toBe(200);
    // The static dev token is not a JWT: only the proxy could vouch for it.
    expect((await get(`${url}/v1/me`, "mock-dev-token")).status).toBe(401);
  });
});

/** A token of the mock's login at the level `acrValues` asks for (the mock auto-approves it). */
async function loginAt(server: MockServer, acrValues?: string): Promise<string> {
  const message = await server.completeLogin({
    state: "u".repeat(43),
    origin: WEB_ORIGIN,
    ...(acrValues ? { acrValues } : {}),
  });
  expect(message.type).toBe("OXA_AUTH_SUCCESS");
  const response = await fetch(`${server.url}/_oxa_auth/token-exchange`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_ORIGIN },
    body: JSON.stringify({ code: (message as { code: string }).code }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const CHALLENGE = (description: string) =>
  `Bearer error="insufficient_user_authentication", error_description="${description}", acr_values="mfa", max_age="300"`;

describe.each([
  ["proxy mode", proxyEnv],
  ["local JWT mode", jwtEnv],
])("demo API step-up (the dangerous action), %s", (_name, env) => {
  const del = async (url: string, token: string) => {
    const response = await fetch(`${url}/v1/workspace/delete`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      body: await response.json(),
    };
  };

  it("refuses a password sign-in with the RFC 9470 challenge and accepts a recent mfa one", async () => {
    const url = await startApi(env());
    const weak = await del(url, await loginAt(mock));
    expect(weak.status).toBe(401);
    expect(weak.challenge).toBe(CHALLENGE("A different authentication level is required"));
    const strong = await del(url, await loginAt(mock, "mfa"));
    expect(strong).toMatchObject({ status: 200, body: { by: "api-test-user" } });
  });

  it("refuses an mfa sign-in of an hour ago (stale auth_time)", async () => {
    // A mock whose clock is an hour behind: its sign-ins are an hour old, its tokens still live.
    const past = await startMockServer({
      corsOrigins: [WEB_ORIGIN],
      userId: "api-test-user",
      expiresIn: 7200,
      now: () => Date.now() - 3_600_000,
    });
    try {
      const vars = env();
      const pastEnv = Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [k, v === mock.url ? past.url : v]),
      );
      const url = await startApi(pastEnv);
      const stale = await del(url, await loginAt(past, "mfa"));
      expect(stale.status).toBe(401);
      expect(stale.challenge).toBe(CHALLENGE("More recent authentication is required"));
      expect(stale.body).toMatchObject({ acr_values: "mfa", max_age: 300 });
    } finally {
      await past.close();
    }
  });

  it("exposes WWW-Authenticate to the web origin, so the SDK can read the challenge", async () => {
    const url = await startApi(env());
    const response = await fetch(`${url}/v1/workspace/delete`, {
      method: "POST",
      headers: { origin: WEB_ORIGIN },
    });
    await response.arrayBuffer();
    const exposed = (response.headers.get("access-control-expose-headers") ?? "").split(",");
    expect(exposed.map((name) => name.trim().toLowerCase())).toContain("www-authenticate");
  });
});
