// The OpenID provider through the msw handlers: openid-client and jose talk to it with no socket.
import { createRemoteJWKSet, jwtVerify } from "jose";
import { setupServer } from "msw/node";
import * as oidc from "openid-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMockAuthHandlers } from "./createMockAuthHandlers.js";

// Nothing listens on port 9: a request that slipped past msw would fail, not reach a real server.
const BASE = "http://127.0.0.1:9";
const REDIRECT = "http://localhost:3000/callback";
const { handlers, mock } = createMockAuthHandlers({ baseUrl: BASE });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => mock.reset());
afterAll(() => server.close());

const discover = (clientId: string, secret?: string, auth?: oidc.ClientAuth) =>
  oidc.discovery(new URL(BASE), clientId, secret, auth, { execute: [oidc.allowInsecureRequests] });

async function codeFlow(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    ...extra,
  });
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const callback = new URL(res.headers.get("location") as string);
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
}

describe("the OpenID provider through msw (no sockets)", () => {
  it("discovery names the msw origin as issuer and every endpoint on it", async () => {
    const meta = (await discover("mock-public-client", undefined, oidc.None())).serverMetadata();
    expect(meta.issuer).toBe(BASE);
    for (const key of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"])
      expect(String(meta[key])).toMatch(new RegExp(`^${BASE}/`));
  });

  it("code + PKCE, userinfo, refresh; the access token verifies against the JWKS", async () => {
    const config = await discover("mock-public-client", undefined, oidc.None());
    const tokens = await codeFlow(config, { login_hint: "mock-viewer" });
    expect(tokens.claims()?.sub).toBe("mock-viewer-id");
    const info = await oidc.fetchUserInfo(config, tokens.access_token, "mock-viewer-id");
    expect(info.email).toBe("mock.viewer@example.com");
    const jwks = createRemoteJWKSet(new URL(`${BASE}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: BASE,
      audience: mock.settings.audience,
    });
    expect(payload.sub).toBe("mock-viewer-id");
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it("client credentials and introspection with the confidential client; a wrong secret is 401", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const cc = await oidc.clientCredentialsGrant(config, { scope: "orders:read" });
    expect(await oidc.tokenIntrospection(config, cc.access_token)).toMatchObject({
      active: true,
      sub: "mock-client",
    });
    const wrong = await discover("mock-client", "not-the-secret");
    await expect(oidc.clientCredentialsGrant(wrong)).rejects.toMatchObject({ status: 401 });
  });

  it("mock.reset() between tests forgets grants issued through msw", async () => {
    const config = await discover("mock-client", "mock-client-secret");
    const tokens = await codeFlow(config);
    mock.reset();
    await expect(
      oidc.refreshTokenGrant(config, tokens.refresh_token as string),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });
});
