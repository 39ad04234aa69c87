import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Auth, createAuth } from "@org/auth-server";
import { getCurrentUser, requireScope, sendError } from "@org/auth-server/node";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const RS = "https://api.example/orders";
const APP = { id: "orders-app", secret: "orders-app-secret-0123456789-0123456789" };
const API_SECRET = "orders-api-secret-0123456789-0123456789";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A real oidc-provider issuing opaque access tokens (client credentials, resource indicator),
 * with RFC 7662 introspection and RFC 7009 revocation, and three confidential clients for the
 * API: one per client authentication method. `introspected` counts introspection requests.
 */
async function startOpaqueProvider(apiJwks: { keys: object[] }) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signing = { ...privateKey.export({ format: "jwk" }), kid: "op", alg: "RS256", use: "sig" };
  const server = createServer();
  const issuer = await listen(server);
  const api = (client_id: string, method: string, extra: object = {}) => ({
    client_id,
    token_endpoint_auth_method: method,
    grant_types: ["client_credentials"],
    redirect_uris: [],
    response_types: [],
    ...extra,
  });
  const provider = new Provider(issuer, {
    jwks: { keys: [signing] },
    scopes: ["orders:read", "orders:write"],
    clients: [
      {
        client_id: APP.id,
        client_secret: APP.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: "orders:read orders:write",
      },
      api("api-basic", "client_secret_basic", { client_secret: API_SECRET }),
      api("api-post", "client_secret_post", { client_secret: API_SECRET }),
      api("api-jwt", "private_key_jwt", { jwks: apiJwks }),
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RS,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "orders:read orders:write",
          audience: RS,
          accessTokenFormat: "opaque",
          accessTokenTTL: 300,
        }),
      },
    },
    ttl: { ClientCredentials: 300 },
  });
  let introspected = 0;
  const handle = provider.callback();
  server.on("request", (req: IncomingMessage, res) => {
    if (req.url?.startsWith("/token/introspection")) introspected++;
    handle(req, res);
  });
  return { issuer, server, introspected: () => introspected };
}

async function clientCredentials(issuer: string, scope: string): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${APP.id}:${APP.secret}`)}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource: RS, scope }),
  });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return (JSON.parse(body) as { access_token: string }).access_token;
}

async function revoke(issuer: string, token: string): Promise<void> {
  const res = await fetch(`${issuer}/token/revocation`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${APP.id}:${APP.secret}`)}`,
    },
    body: new URLSearchParams({ token }),
  });
  expect(res.status).toBe(200);
}

async function startApi(auth: Auth): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const guard =
      req.url === "/write"
        ? requireScope("orders:write", { auth })(req)
        : getCurrentUser(req, { auth });
    guard.then(
      (user) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: user.id, provider: user.provider, scopes: user.scopes }));
      },
      (error: unknown) => sendError(res, error),
    );
  });
  return { url: await listen(server), server };
}

describe("interop: oidc-provider's opaque access tokens → AUTH_PROVIDER=introspection", () => {
  let op: Awaited<ReturnType<typeof startOpaqueProvider>>;
  let privatePem: string;

  beforeAll(async () => {
    // oidc-provider prints development notices; keep the test output clean.
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    privatePem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    op = await startOpaqueProvider({
      keys: [{ ...publicKey.export({ format: "jwk" }), use: "sig" }],
    });
  });
  afterAll(async () => {
    await close(op.server);
    vi.restoreAllMocks();
  });

  const env = (clientId: string, extra: Record<string, string>) => ({
    AUTH_PROVIDER: "introspection",
    AUTH_ISSUER: op.issuer, // the endpoint comes from discovery
    AUTH_AUDIENCE: RS,
    AUTH_CLIENT_ID: clientId,
    ...extra,
  });

  it.each([
    ["client_secret_basic", "api-basic", { AUTH_CLIENT_SECRET: API_SECRET }],
    [
      "client_secret_post",
      "api-post",
      { AUTH_CLIENT_SECRET: API_SECRET, AUTH_INTROSPECTION_AUTH_METHOD: "client_secret_post" },
    ],
    ["private_key_jwt", "api-jwt", {}],
  ])("%s: active, scoped, cached, then revoked and inactive", async (_method, clientId, extra) => {
    const settings = clientId === "api-jwt" ? { AUTH_CLIENT_PRIVATE_KEY: privatePem } : extra;
    const auth = createAuth({ env: env(clientId, settings), logger: { warn() {} } });
    const api = await startApi(auth);
    try {
      const token = await clientCredentials(op.issuer, "orders:read");
      expect(token.split(".")).toHaveLength(1); // opaque, not a JWT
      const call = (path: string) =>
        fetch(api.url + path, { headers: { authorization: `Bearer ${token}` } });
      const before = op.introspected();
      const res = await call("/me");
      expect(res.status).toBe(200);
      // An app-only token: its subject is the client (as in the provider's JWT access tokens).
      expect(await res.json()).toEqual({
        id: APP.id,
        provider: "introspection",
        scopes: ["orders:read"],
      });
      expect((await call("/write")).status).toBe(403);
      expect(op.introspected() - before).toBe(1);
      await revoke(op.issuer, token);
      await auth.revoke({ token }); // the provider sends no event: drop the cached answer
      const after = await call("/me");
      expect(after.status).toBe(401);
      expect(after.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    } finally {
      await close(api.server);
      await auth.close();
    }
  });

  it("a token for another resource is active at the provider but refused here (aud)", async () => {
    const auth = createAuth({
      env: env("api-basic", {
        AUTH_CLIENT_SECRET: API_SECRET,
        AUTH_AUDIENCE: "https://other.example/",
      }),
      logger: { warn() {} },
    });
    try {
      const token = await clientCredentials(op.issuer, "orders:read");
      await expect(
        auth.getCurrentUser({ headers: { authorization: `Bearer ${token}` } }),
      ).rejects.toMatchObject({ status: 401 });
    } finally {
      await auth.close();
    }
  });

  it("a wrong client secret is a 502 (the API's configuration), never the caller's 401", async () => {
    const auth = createAuth({
      env: env("api-basic", { AUTH_CLIENT_SECRET: "wrong-secret-0123456789" }),
      logger: { warn() {}, error() {} },
    });
    try {
      const token = await clientCredentials(op.issuer, "orders:read");
      await expect(
        auth.getCurrentUser({ headers: { authorization: `Bearer ${token}` } }),
      ).rejects.toMatchObject({ status: 502 });
    } finally {
      await auth.close();
    }
  });
});
