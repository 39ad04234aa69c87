import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockServer, startMockServer } from "../node/startMockServer.js";
import { BAD_TOKEN_KINDS } from "./mintToken.js";

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());

async function verify(token: string) {
  const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
  return jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: server.url,
    audience: "oxaigen-mock",
  });
}

describe("mintToken and POST /_oxa_auth/mock/token", () => {
  it("mints a token for a persona that verifies against the published JWKS (ES256 and RS256)", async () => {
    for (const alg of ["ES256", "RS256"] as const) {
      const token = await server.mock.mintToken({ sub: "mock-admin", alg, scope: "orders:read" });
      const { payload, protectedHeader } = await verify(token);
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toMatchObject({
        sub: "mock-admin-id",
        scope: "orders:read",
        roles: ["admin", "member"],
        permissions: ["read", "write", "admin"],
        client_id: "mock-client",
        workspace_id: "mock-workspace-id",
      });
    }
  });

  it("every bad kind fails verification for its own reason", async () => {
    const reasons: Record<string, RegExp> = {
      expired: /"exp" claim timestamp check failed/,
      "not-yet-valid": /"nbf" claim timestamp check failed/,
      "wrong-audience": /unexpected "aud" claim value/,
      "wrong-issuer": /unexpected "iss" claim value/,
      "bad-signature": /signature verification failed/,
      "unknown-kid": /no applicable key found/,
      "alg-none":
        /Unsupported "alg"|"alg" \(Algorithm\) Header Parameter value not allowed|JWSInvalid|Invalid Compact JWS/,
    };
    for (const bad of BAD_TOKEN_KINDS) {
      const token = await server.mock.mintToken({ bad });
      await expect(verify(token), bad).rejects.toThrow(reasons[bad] as RegExp);
    }
    const badSig = await server.mock.mintToken({ bad: "bad-signature" });
    const published = (await server.mock.jwks()).keys.map((k) => k.kid);
    expect(published).toContain(decodeProtectedHeader(badSig).kid);
  });

  it("shapes claims like the common providers, and makes app-only tokens without a session", async () => {
    const kc = decodeJwt(await server.mock.mintToken({ sub: "mock-admin", preset: "keycloak" }));
    expect(kc).toMatchObject({
      realm_access: { roles: ["admin", "member"] },
      azp: "mock-client",
      typ: "Bearer",
    });
    const kcApp = decodeJwt(
      await server.mock.mintToken({ appOnly: true, preset: "keycloak", clientId: "indexer" }),
    );
    expect(kcApp).toMatchObject({ preferred_username: "service-account-indexer", azp: "indexer" });
    expect(kcApp.sid).toBeUndefined();
    const a0 = decodeJwt(
      await server.mock.mintToken({ appOnly: true, preset: "auth0", scope: "read:orders" }),
    );
    expect(a0).toMatchObject({
      gty: "client-credentials",
      sub: "mock-client@clients",
      permissions: ["read:orders"],
    });
    const az = decodeJwt(
      await server.mock.mintToken({
        sub: "mock-viewer",
        preset: "azure",
        scope: "openid api.read",
      }),
    );
    expect(az).toMatchObject({ oid: "mock-viewer-id", scp: "api.read", roles: ["viewer"] });
    const okta = decodeJwt(await server.mock.mintToken({ preset: "okta", scope: ["a", "b"] }));
    expect(okta).toMatchObject({ scp: ["a", "b"], uid: "mock-user-id", cid: "mock-client" });
    const sb = decodeJwt(await server.mock.mintToken({ preset: "supabase" }));
    expect(sb).toMatchObject({
      aud: "authenticated",
      role: "authenticated",
      app_metadata: { roles: ["member"] },
    });
    const oidcApp = decodeJwt(await server.mock.mintToken({ appOnly: true, clientId: "svc" }));
    expect(oidcApp).toMatchObject({ sub: "svc", client_id: "svc", azp: "svc" });
    expect(oidcApp.scope).toBeUndefined();
  });

  it("serves the same over HTTP, validating the body", async () => {
    const mint = (body: string, type = "application/json") =>
      fetch(`${server.url}/_oxa_auth/mock/token`, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
    const ok = await mint(
      JSON.stringify({ sub: "mock-viewer", claims: { app_id: "app-1" }, expiresIn: 60 }),
    );
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    const { payload } = await verify(access_token);
    expect(payload).toMatchObject({ sub: "mock-viewer-id", app_id: "app-1" });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    for (const [body, type] of [
      ["{", "application/json"],
      ['{"bad":"nope"}', "application/json"],
      ['{"unknown":1}', "application/json"],
      ['{"expiresIn":-1}', "application/json"],
      ['{"claims":{"__proto__":{}}}', "application/json"],
    ] as const) {
      const res = await mint(body, type);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
    }
    expect((await mint("{}", "text/plain")).status).toBe(415);
    expect((await mint(JSON.stringify({ sub: "x".repeat(20_000) }))).status).toBe(413);
  });

  it("is switched off with the state API", async () => {
    const off = await startMockServer({ stateApi: false });
    try {
      const res = await fetch(`${off.url}/_oxa_auth/mock/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe("the mint endpoint and web pages", () => {
  it("refuses a page of another origin, like the state API", async () => {
    const server2 = await startMockServer();
    try {
      const res = await fetch(`${server2.url}/_oxa_auth/mock/token`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
        body: "{}",
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe("origin_not_allowed");
    } finally {
      await server2.close();
    }
  });
});
