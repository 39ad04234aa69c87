// The introspection endpoint over real HTTP: private_key_jwt (RFC 7523) and which tokens are active.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
let server: MockServer;
let key: KeyObject;
let otherKey: KeyObject;

beforeAll(async () => {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  key = pair.privateKey;
  otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  server = await startMockServer({
    clients: [
      {
        clientId: "orders-api",
        clientSecret: null,
        jwks: { keys: [pair.publicKey.export({ format: "jwk" })] },
        redirectUris: [],
        postLogoutRedirectUris: [],
        loopback: false,
      },
    ],
  });
});
afterAll(async () => {
  await server.close();
});

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  lifetime?: number;
}

async function assertion(claims: Claims = {}, signWith = key): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer(claims.iss ?? "orders-api")
    .setSubject(claims.sub ?? "orders-api")
    .setAudience(claims.aud ?? server.url)
    .setJti(claims.jti ?? crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.lifetime ?? 60))
    .sign(signWith);
}

async function introspect(params: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/oidc/introspect`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

describe("private_key_jwt at /oidc/introspect", () => {
  it("is advertised by discovery", async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      introspection_endpoint_auth_methods_supported: string[];
    };
    expect(doc.introspection_endpoint_auth_methods_supported).toContain("private_key_jwt");
  });

  it("a valid assertion (aud: issuer or the endpoint) authenticates; the answer is RFC 7662", async () => {
    const token = await server.mock.mintToken({ sub: "mock-admin", scope: "openid orders:read" });
    for (const aud of [server.url, `${server.url}/oidc/introspect`]) {
      const res = await introspect({
        token,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion({ aud }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.headers.get("cache-control")).toContain("no-store");
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        active: true,
        sub: "mock-admin-id",
        scope: "openid orders:read",
        client_id: "mock-client",
        iss: server.url,
        token_type: "Bearer",
      });
      expect(typeof body.exp).toBe("number");
    }
  });

  it.each([
    ["another key", {}, "other"],
    ["iss not the client", { iss: "mock-client" }],
    ["sub of another client", { sub: "mock-client", iss: "mock-client" }],
    ["a foreign audience", { aud: "https://elsewhere.example/" }],
    ["a lifetime over 5 minutes", { lifetime: 3600 }],
  ] as Array<[string, Claims, string?]>)(
    "refuses %s: 401 invalid_client",
    async (_what, claims, signer) => {
      const res = await introspect({
        token: "x",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(claims, signer === "other" ? otherKey : key),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
    },
  );

  it("an assertion is single use (jti)", async () => {
    const once = await assertion();
    const params = { token: "x", client_assertion_type: ASSERTION_TYPE, client_assertion: once };
    expect((await introspect(params)).status).toBe(200);
    expect((await introspect(params)).status).toBe(401);
  });

  it("the keyed client cannot use a secret or no authentication; two methods at once are refused", async () => {
    expect((await introspect({ token: "x", client_id: "orders-api" })).status).toBe(401);
    const both = await introspect({
      token: "x",
      client_secret: "whatever-secret",
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion(),
    });
    expect(both.status).toBe(400);
    const wrongType = await introspect({
      token: "x",
      client_assertion_type: "urn:example:other",
      client_assertion: await assertion(),
    });
    expect(wrongType.status).toBe(401);
  });

  it("a client registered with a private key in its jwks is refused at configuration", () => {
    const jwk = key.export({ format: "jwk" });
    expect(() =>
      server.setState({
        clients: [
          {
            clientId: "leaky",
            clientSecret: null,
            jwks: { keys: [jwk] },
            redirectUris: [],
            postLogoutRedirectUris: [],
            loopback: false,
          },
        ],
      }),
    ).toThrow(/public key/);
  });
});

describe("introspection answers for every access token the mock issued", () => {
  const introspect = async (token: string) => {
    const res = await fetch(`${server.url}/oidc/introspect`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa("mock-client:mock-client-secret")}`,
      },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  it("a proxy-API session's token (typ JWT) is active until its session ends", async () => {
    const signIn = await fetch(`${server.url}/_oxa_auth/refresh`, {
      method: "POST",
      headers: { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
    });
    const { access_token: token } = (await signIn.json()) as { access_token: string };
    const session = await introspect(token);
    expect(session).toMatchObject({ active: true, sub: "mock-user-id", token_type: "Bearer" });
    const logout = await fetch(`${server.url}/_oxa_auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBeLessThan(400);
    expect(await introspect(token)).toEqual({ active: false });
  });
});
