import { exportJWK, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { escapeHtml, jsonForScript } from "../core/callbackPage.js";
import { cookiePolicy, serializeCookie } from "../core/cookies.js";
import { resolveReturnTo } from "../core/returnTo.js";
import { createMockAuth } from "./createMockAuth.js";

const BASE = "http://127.0.0.1:8765";

describe("createMockAuth().fetch (Web Request → Response)", () => {
  it("answers a Web Request with a Response carrying every Set-Cookie", async () => {
    const mock = createMockAuth({ baseUrl: BASE });
    const res = await mock.fetch(
      new Request(`${BASE}/_oxa_auth/refresh`, {
        method: "POST",
        headers: { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
      }),
    );
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toHaveLength(2);
    const head = await mock.fetch(
      new Request(`${BASE}/_oxa_auth/get-me`, {
        method: "HEAD",
        headers: { authorization: "Bearer mock-dev-token" },
      }),
    );
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("signs with a given key: the JWKS serves its kid and tokens verify with its public half", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: "fixed-kid" };
    const mock = createMockAuth({ baseUrl: BASE, signingKey: jwk, audience: "my-api" });
    expect((await mock.jwks()).keys[0]).toMatchObject({
      kid: "fixed-kid",
      alg: "ES256",
      use: "sig",
    });
    expect((await mock.jwks()).keys[0]).not.toHaveProperty("d");
    const token = await mock.createAccessToken({ expiresIn: 60 });
    const { payload } = await jwtVerify(token, publicKey, { issuer: BASE, audience: "my-api" });
    expect(payload.sub).toBe("mock-user-id");
  });

  it("refuses a signing key that is not a private P-256 JWK", async () => {
    const mock = createMockAuth({ signingKey: { kty: "RSA", n: "x", e: "AQAB" } });
    await expect(mock.createAccessToken()).rejects.toThrow(/P-256/);
  });

  it("refuses invalid options, naming them", () => {
    expect(() => createMockAuth({ corsOrigins: ["localhost:5173"] })).toThrow(
      /options.corsOrigins/,
    );
    expect(() => createMockAuth({ permissions: ["no spaces"] })).toThrow(/options.permissions/);
    expect(() => createMockAuth({ expiresIn: 0 })).toThrow(/options.expiresIn/);
    expect(() => createMockAuth({ baseUrl: "ftp://x" })).toThrow(/options.baseUrl/);
  });

  it("completeLogin reports the configured IdP error", async () => {
    const mock = createMockAuth();
    mock.setState({ loginError: "access_denied" });
    expect(
      await mock.completeLogin({ state: "s1", origin: "http://localhost:3000" }),
    ).toMatchObject({
      type: "OXA_AUTH_FAILURE",
      reason: "access_denied",
    });
    expect(() => mock.setState({ loginError: "<script>" })).toThrow(/loginError/);
  });

  it("setState refuses unknown fields and bad values; reset restores the start-up state", () => {
    const mock = createMockAuth({ permissions: ["read"] });
    expect(() => mock.setState({ nope: 1 } as never)).toThrow(/unknown state field/);
    expect(() => mock.setState({ tokens: ["has space"] })).toThrow(/state.tokens/);
    expect(mock.setState({ permissions: "read,audit" }).permissions).toEqual(["read", "audit"]);
    expect(mock.getState().permissions).toEqual(["read", "audit"]);
    expect(mock.reset().permissions).toEqual(["read"]);
  });
});

describe("escaping and policies", () => {
  it("keeps JSON inert inside a script element", () => {
    const out = jsonForScript({
      a: "</script><script>alert(1)</script>",
      b: "\u2028\u2029",
      c: "<!--&",
    });
    expect(out).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(out)).toEqual({
      a: "</script><script>alert(1)</script>",
      b: "\u2028\u2029",
      c: "<!--&",
    });
    expect(escapeHtml(`<img src=x onerror="a">'`)).toBe(
      "&#60;img src=x onerror=&#34;a&#34;&#62;&#39;",
    );
  });

  it("uses SameSite=None; Secure; Partitioned on loopback, Lax elsewhere", () => {
    expect(cookiePolicy(new URL("http://127.0.0.1:8765"))).toEqual({
      sameSite: "None",
      secure: true,
      partitioned: true,
    });
    expect(cookiePolicy(new URL("http://localhost:8765"))).toMatchObject({ sameSite: "None" });
    expect(cookiePolicy(new URL("https://auth.example.com"))).toEqual({
      sameSite: "Lax",
      secure: true,
      partitioned: false,
    });
    expect(cookiePolicy(new URL("http://192.168.1.5:8765"))).toEqual({
      sameSite: "Lax",
      secure: false,
      partitioned: false,
    });
    const policy = cookiePolicy(new URL("https://auth.example.com"));
    expect(serializeCookie("a", "b", { maxAge: 5, httpOnly: true, path: "/", policy })).toBe(
      "a=b; Path=/; Max-Age=5; HttpOnly; Secure; SameSite=Lax",
    );
  });

  it("resolves return_to without open redirects", () => {
    const app = "http://localhost:5173";
    expect(resolveReturnTo("/a?b#c", app, BASE, "*")).toBe(`${app}/a?b#c`);
    expect(resolveReturnTo("/a", null, BASE, "*")).toBe(`${BASE}/a`);
    expect(resolveReturnTo("http://localhost:4000/x", null, BASE, "*")).toBe(
      "http://localhost:4000/x",
    );
    expect(resolveReturnTo("https://app.example/x", null, BASE, ["https://app.example"])).toBe(
      "https://app.example/x",
    );
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "/a\nb",
      "https://user@localhost/",
    ]) {
      expect(resolveReturnTo(bad, app, BASE, "*"), bad).toBeUndefined();
    }
  });
});
