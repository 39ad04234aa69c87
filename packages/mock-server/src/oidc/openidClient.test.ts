// Interop: openid-client (a certified relying party) drives the mock's OpenID provider over HTTP.
import * as oidc from "openid-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

let server: MockServer;
const REDIRECT = "http://127.0.0.1:3999/callback";

beforeAll(async () => {
  // No reuse interval: presenting a rotated refresh token again is reuse at once.
  server = await startMockServer({ refreshReuseInterval: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
});

async function discover(clientId: string, secret?: string, auth?: oidc.ClientAuth) {
  return oidc.discovery(new URL(server.url), clientId, secret, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

/** Follow the authorization URL like a headless browser: the mock answers with a 302. */
async function authorize(config: oidc.Configuration, params: Record<string, string>) {
  const res = await fetch(oidc.buildAuthorizationUrl(config, params), { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") as string);
}

async function codeFlow(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const callback = await authorize(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, callback };
}

describe("openid-client against the mock's OpenID provider", () => {
  it("discovers the provider: endpoints that exist, S256, RS256 ID tokens", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(server.url);
    for (const key of [
      "authorization_endpoint",
      "token_endpoint",
      "userinfo_endpoint",
      "introspection_endpoint",
      "revocation_endpoint",
      "end_session_endpoint",
      "jwks_uri",
    ] as const) {
      const url = meta[key] as string;
      expect(url.startsWith(server.url)).toBe(true);
      // Every advertised endpoint is served (a GET may be 405 or 4xx, never 404).
      expect((await fetch(url, { redirect: "manual" })).status).not.toBe(404);
    }
    expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
    const jwks = (await (await fetch(meta.jwks_uri as string)).json()) as {
      keys: { alg: string }[];
    };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
  });

  it("authorization code + PKCE with a confidential client (client_secret_basic): ID token validated, userinfo, refresh rotation", async () => {
    const config = await discover(
      "mock-client",
      "mock-client-secret",
      oidc.ClientSecretBasic("mock-client-secret"),
    );
    const { tokens, callback } = await codeFlow(config);
    expect(callback.searchParams.get("iss")).toBe(server.url);
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: server.url,
      aud: "mock-client",
      sub: "mock-user-id",
      email: "mock.user@example.com",
      preferred_username: "mock-user",
    });
    expect(typeof claims?.sid).toBe("string");
    const info = await oidc.fetchUserInfo(config, tokens.access_token, "mock-user-id");
    expect(info).toMatchObject({
      sub: "mock-user-id",
      email: "mock.user@example.com",
      name: "Mock User",
    });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe("mock-user-id");
    // The old refresh token was rotated out: presenting it again is reuse, and ends the grant.
    await expect(
      oidc.refreshTokenGrant(config, tokens.refresh_token as string),
    ).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(
      oidc.refreshTokenGrant(config, refreshed.refresh_token as string),
    ).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("public client (none) with PKCE, login_hint picks a persona, client_secret_post works too", async () => {
    const pub = await discover("mock-public-client", undefined, oidc.None());
    const { tokens } = await codeFlow(pub, { login_hint: "mock-admin" });
    expect(tokens.claims()?.sub).toBe("mock-admin-id");
    const payload = JSON.parse(
      atob((tokens.access_token.split(".")[1] as string).replace(/-/g, "+").replace(/_/g, "/")),
    );
    expect(payload).toMatchObject({ client_id: "mock-public-client", roles: ["admin", "member"] });

    const post = await discover(
      "mock-client",
      "mock-client-secret",
      oidc.ClientSecretPost("mock-client-secret"),
    );
    const second = await codeFlow(post);
    expect(second.tokens.claims()?.aud).toBe("mock-client");
  });

  it("login_hint picks a persona by email (any case) or sub; the proxy get-me answers for that persona", async () => {
    const pub = await discover("mock-public-client", undefined, oidc.None());
    for (const hint of ["MOCK.Viewer@Example.com", "mock-viewer-id", "mock-viewer"]) {
      const { tokens } = await codeFlow(pub, { login_hint: hint });
      expect(tokens.claims()?.sub, hint).toBe("mock-viewer-id");
      const me = await fetch(`${server.url}/_oxa_auth/get-me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(await me.json()).toMatchObject({ id: "mock-viewer-id", user_name: "mock-viewer" });
    }
  });

  it("client credentials: an app-only token, introspected active, then revoked", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const cc = await oidc.clientCredentialsGrant(config, { scope: "orders:read" });
    expect(cc.refresh_token).toBeUndefined();
    const intro = await oidc.tokenIntrospection(config, cc.access_token);
    expect(intro).toMatchObject({
      active: true,
      client_id: "mock-client",
      sub: "mock-client",
      scope: "orders:read",
      iss: server.url,
    });
    expect(intro.sid).toBeUndefined();
    await oidc.tokenRevocation(config, cc.access_token);
    expect((await oidc.tokenIntrospection(config, cc.access_token)).active).toBe(false);
  });

  it("revoking a refresh token ends the grant: its access token is inactive and userinfo refuses it", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const { tokens } = await codeFlow(config);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token as string)).active).toBe(
      true,
    );
    await oidc.tokenRevocation(config, tokens.refresh_token as string, {
      token_type_hint: "refresh_token",
    });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(
      oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck),
    ).rejects.toThrow();
  });

  it("RP-initiated logout ends the session and returns to a loopback post_logout_redirect_uri with state", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const { tokens } = await codeFlow(config);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: "http://localhost:4000/bye",
      state: "s-1",
    });
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("http://localhost:4000/bye?state=s-1");
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(
      oidc.refreshTokenGrant(config, tokens.refresh_token as string),
    ).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("key rotation: new tokens use the new key, the old key stays published for the grace period", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const before = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const fresh = await server.mock.rotateKeys(60);
    const after = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(after.keys.map((k) => k.kid)).toEqual([...fresh, ...before.keys.map((k) => k.kid)]);
    const { tokens } = await codeFlow(config);
    expect(fresh).toContain(
      JSON.parse(atob((tokens.id_token as string).split(".")[0] as string)).kid,
    );
  });
});
