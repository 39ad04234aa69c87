// @vitest-environment happy-dom
// @vitest-environment-options {"url": "http://localhost:3000/"}
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockAuthHandlers } from "./createMockAuthHandlers.js";

// What the React SDK's tests do: a browser-like window, cross-origin calls with credentials.
const { handlers, mock } = createMockAuthHandlers({ baseUrl: "http://127.0.0.1:8799" });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("msw handlers in a happy-dom window", () => {
  it("completes the popup flow, then refreshes with the cookie msw kept", async () => {
    expect(window.location.origin).toBe("http://localhost:3000");
    const message = await mock.completeLogin({
      state: "state-from-app",
      origin: window.location.origin,
    });
    expect(message.type).toBe("OXA_AUTH_SUCCESS");
    const code = message.type === "OXA_AUTH_SUCCESS" ? message.code : "";
    const exchanged = await fetch(`${mock.baseUrl}/_oxa_auth/token-exchange`, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    expect(exchanged.status).toBe(200);
    const { access_token } = (await exchanged.json()) as { access_token: string };
    const me = await fetch(`${mock.baseUrl}/_oxa_auth/get-me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
    const refreshed = await fetch(`${mock.baseUrl}/_oxa_auth/refresh`, {
      method: "POST",
      credentials: "include",
    });
    expect(refreshed.status).toBe(200);
    const logout = await fetch(`${mock.baseUrl}/_oxa_auth/logout`, {
      method: "POST",
      credentials: "include",
    });
    expect(logout.status).toBe(204);
    const after = await fetch(`${mock.baseUrl}/_oxa_auth/refresh`, {
      method: "POST",
      credentials: "include",
    });
    expect(after.status).toBe(401);
  });

  it("run-time state changes are visible to the app", async () => {
    mock.setState({ permissions: ["read", "audit"] });
    const res = await fetch(`${mock.baseUrl}/_oxa_auth/test-app-permission/audit`, {
      method: "POST",
      headers: { authorization: "Bearer mock-dev-token" },
    });
    expect(res.status).toBe(200);
    expect(mock.reset().permissions).toEqual(["read"]);
  });
});

describe("msw handlers when the app and the mock share a host", () => {
  it("mirrors the JS-readable access cookie into document.cookie, never the HttpOnly one", async () => {
    const sameHost = createMockAuthHandlers({ baseUrl: "http://localhost:8765" });
    server.use(...sameHost.handlers);
    const message = await sameHost.mock.completeLogin({
      state: "same-host",
      origin: window.location.origin,
    });
    const res = await fetch("http://localhost:8765/_oxa_auth/token-exchange", {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: message.type === "OXA_AUTH_SUCCESS" ? message.code : "" }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    expect(document.cookie).toContain(`OxaigenPlatformAuthAccessToken=${access_token}`);
    expect(document.cookie).not.toContain("OxaigenPlatformAuthRefreshToken");
    expect(sameHost.cookies.get("OxaigenPlatformAuthRefreshToken")).toBeTruthy();
    await fetch("http://localhost:8765/_oxa_auth/logout", {
      method: "POST",
      credentials: "include",
    });
    expect(document.cookie).not.toContain(access_token);
    expect(sameHost.cookies.get("OxaigenPlatformAuthRefreshToken")).toBeUndefined();
  });

  it("does not send cookies cross-origin without credentials: include", async () => {
    const other = createMockAuthHandlers({ baseUrl: "http://127.0.0.1:8797" });
    server.use(...other.handlers);
    const refresh = (credentials: RequestCredentials) =>
      fetch("http://127.0.0.1:8797/_oxa_auth/refresh", { method: "POST", credentials });
    expect((await refresh("include")).status).toBe(401); // no cookie yet
    const message = await other.mock.completeLogin({
      state: "cross",
      origin: window.location.origin,
    });
    const exchanged = await fetch("http://127.0.0.1:8797/_oxa_auth/token-exchange", {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: message.type === "OXA_AUTH_SUCCESS" ? message.code : "" }),
    });
    expect(other.cookies.get("OxaigenPlatformAuthRefreshToken")).toBeTruthy();
    const { access_token } = (await exchanged.json()) as { access_token: string };
    // Another host: a browser would never show its cookies to this page.
    expect(document.cookie).not.toContain(access_token);
    expect((await refresh("same-origin")).status).toBe(401);
    expect((await refresh("include")).status).toBe(200);
  });
});
