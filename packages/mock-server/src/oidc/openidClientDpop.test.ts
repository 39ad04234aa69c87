// Interop: openid-client's DPoP support (RFC 9449) against the mock's OpenID provider over HTTP.
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

const REDIRECT = "http://127.0.0.1:3999/callback";

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());
}

async function thumbprint(key: CryptoKeyPair): Promise<string> {
  const jwk = await crypto.subtle.exportKey("jwk", key.publicKey);
  const { calculateJwkThumbprint } = await import("jose");
  return calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0]);
}

async function signIn(server: MockServer, clientId: string, secret?: string) {
  const config = await oidc.discovery(new URL(server.url), clientId, secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const keyPair = await oidc.randomDPoPKeyPair("ES256");
  const DPoP = oidc.getDPoPHandle(config, keyPair);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const res = await fetch(url, { redirect: "manual" });
  const callback = new URL(res.headers.get("location") as string);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: verifier, expectedState: state },
    undefined,
    { DPoP },
  );
  return { config, keyPair, DPoP, tokens };
}

for (const nonceMode of [false, true]) {
  describe(`openid-client with DPoP against the mock${nonceMode ? " (nonce mode)" : ""}`, () => {
    let server: MockServer;
    beforeAll(async () => {
      server = await startMockServer({ refreshReuseInterval: 0, dpopNonce: nonceMode });
    });
    afterAll(() => server.close());

    it("advertises dpop_signing_alg_values_supported", async () => {
      const meta = (await (
        await fetch(`${server.url}/.well-known/openid-configuration`)
      ).json()) as {
        dpop_signing_alg_values_supported: string[];
      };
      expect(meta.dpop_signing_alg_values_supported).toContain("ES256");
    });

    it("code + PKCE (public client): a DPoP-bound access token; userinfo with a proof, refused as Bearer", async () => {
      const { config, keyPair, DPoP, tokens } = await signIn(server, "mock-public-client");
      expect(tokens.token_type).toBe("dpop");
      expect(claimsOf(tokens.access_token).cnf).toEqual({ jkt: await thumbprint(keyPair) });
      const sub = tokens.claims()?.sub as string;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, sub, { DPoP });
      expect(info.sub).toBe(sub);
      const asBearer = await fetch(`${server.url}/oidc/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers.get("www-authenticate")).toMatch(/^DPoP error="invalid_token"/);
    });

    it("refresh: the public client's refresh token is bound to its key; another key is refused", async () => {
      const { config, keyPair, DPoP, tokens } = await signIn(server, "mock-public-client");
      const refreshed = await oidc.refreshTokenGrant(
        config,
        tokens.refresh_token as string,
        undefined,
        { DPoP },
      );
      expect(claimsOf(refreshed.access_token).cnf).toEqual({ jkt: await thumbprint(keyPair) });
      const thief = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair("ES256"));
      await expect(
        oidc.refreshTokenGrant(config, refreshed.refresh_token as string, undefined, {
          DPoP: thief,
        }),
      ).rejects.toMatchObject({ error: "invalid_grant" });
    });

    it("a confidential client's tokens are bound too; introspection names the binding", async () => {
      const { keyPair, tokens } = await signIn(server, "mock-client", "mock-client-secret");
      const jkt = await thumbprint(keyPair);
      expect(claimsOf(tokens.access_token).cnf).toEqual({ jkt });
      const res = await fetch(`${server.url}/oidc/introspect`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from("mock-client:mock-client-secret").toString("base64")}`,
        },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      expect(await res.json()).toMatchObject({ active: true, cnf: { jkt }, token_type: "DPoP" });
    });
  });
}
