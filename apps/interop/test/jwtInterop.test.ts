import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MintTokenOptions, MockServer } from "@org/auth-mock-server";
import { startMockServer } from "@org/auth-mock-server";
import { BAD_TOKEN_KINDS } from "@org/auth-mock-server/testing";
import { type Auth, createAuth, type Env } from "@org/auth-server";
import {
  getCurrentUser,
  requireBinding,
  requireInternal,
  requireRole,
  requireScope,
  sendError,
} from "@org/auth-server/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Every deliberately bad token the mock makes; each must be refused with a 401. */
const BAD_KINDS = BAD_TOKEN_KINDS;

let mock: MockServer;

/** A real node:http API on 127.0.0.1 guarded by `auth`, one route per guard. */
async function startApi(auth: Auth): Promise<{ url: string; server: Server }> {
  const options = { auth };
  const routes: Record<string, (req: IncomingMessage, path: string[]) => Promise<unknown>> = {
    me: (req) => getCurrentUser(req, options),
    admin: (req) => requireRole("admin", options)(req),
    orders: (req) => requireScope("orders:write", options)(req),
    internal: (req) => requireInternal({ allowedClients: ["indexer"], ...options })(req),
    apps: (req, path) => requireBinding({ appId: true }, options)(req, { appId: path[1] }),
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname.split("/").filter(Boolean);
    const route = routes[path[0] ?? ""];
    if (route === undefined) return void res.writeHead(404).end();
    route(req, path).then(
      (user) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(user));
      },
      (error: unknown) => sendError(res, error),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

function closeApi(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function call(api: string, path: string, token: string): Promise<Response> {
  return fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  mock = await startMockServer();
});

afterAll(async () => {
  await mock?.close();
});

describe("@org/auth-server (AUTH_PROVIDER=jwt) against the mock's OpenID provider", () => {
  let api: { url: string; server: Server };
  const mint = (options: MintTokenOptions) => mock.mock.mintToken(options);

  beforeAll(async () => {
    const env: Env = {
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUER: mock.url,
      AUTH_AUDIENCE: mock.mock.settings.audience,
    };
    api = await startApi(createAuth({ env, redis: false, cacheTtlSeconds: 0 }));
  });

  afterAll(async () => {
    await closeApi(api.server);
  });

  it.each(["ES256", "RS256"] as const)(
    "accepts a %s user token and maps the persona",
    async (alg) => {
      const res = await call(api.url, "/me", await mint({ sub: "mock-admin", alg }));
      expect(res.status).toBe(200);
      const user = (await res.json()) as { id: string; email?: string; roles: string[] };
      expect(user.id).toBe("mock-admin-id");
      expect(user.email).toBe("mock.admin@example.com");
      expect(user.roles).toContain("admin");
    },
  );

  it("refuses a request without a token with 401", async () => {
    expect((await fetch(`${api.url}/me`)).status).toBe(401);
  });

  it.each(BAD_KINDS)("refuses a %s token with 401", async (bad) => {
    const res = await call(api.url, "/me", await mint({ sub: "mock-admin", bad }));
    expect(res.status).toBe(401);
  });

  it("requireRole: admin passes, viewer gets 403", async () => {
    expect((await call(api.url, "/admin", await mint({ sub: "mock-admin" }))).status).toBe(200);
    expect((await call(api.url, "/admin", await mint({ sub: "mock-viewer" }))).status).toBe(403);
  });

  it("requireScope: the granted scope passes, its absence gets 403", async () => {
    const granted = await mint({ sub: "mock-viewer", scope: ["openid", "orders:write"] });
    expect((await call(api.url, "/orders", granted)).status).toBe(200);
    const missing = await mint({ sub: "mock-viewer", scope: ["openid", "orders:read"] });
    expect((await call(api.url, "/orders", missing)).status).toBe(403);
  });

  it("requireInternal: an allow-listed app-only token passes; user and foreign-client tokens get 403", async () => {
    const app = await mint({ appOnly: true, clientId: "indexer", scope: "reindex" });
    const res = await call(api.url, "/internal", app);
    expect(res.status).toBe(200);
    const user = await mint({ sub: "mock-admin", clientId: "indexer" });
    expect((await call(api.url, "/internal", user)).status).toBe(403);
    const other = await mint({ appOnly: true, clientId: "billing" });
    expect((await call(api.url, "/internal", other)).status).toBe(403);
  });

  it("requireBinding: the token's app id passes, another app gets 403", async () => {
    const token = await mint({ sub: "mock-admin", claims: { app_id: "app-1" } });
    expect((await call(api.url, "/apps/app-1", token)).status).toBe(200);
    expect((await call(api.url, "/apps/app-2", token)).status).toBe(403);
  });
});

/**
 * Provider-shaped tokens through the server's presets. Every preset reads `AUTH_ISSUER` and
 * `AUTH_JWKS_URL` over its provider-derived defaults, so each can point at the mock; Keycloak and
 * Supabase still need their base-URL variables set, which the explicit issuer then overrides.
 */
describe("provider presets against provider-shaped mock tokens", () => {
  type Case = {
    preset: "oidc" | "keycloak" | "auth0" | "azure" | "okta" | "supabase";
    env: (jwks: string) => Env;
    appOnly: boolean;
  };
  const cases: Case[] = [
    { preset: "oidc", env: () => ({ AUTH_PROVIDER: "jwt" }), appOnly: true },
    {
      preset: "keycloak",
      env: (jwks) => ({
        AUTH_PROVIDER: "keycloak",
        KEYCLOAK_URL: mock.url,
        KEYCLOAK_REALM: "mock",
        KEYCLOAK_CLIENT_ID: "mock-client",
        AUTH_JWKS_URL: jwks,
      }),
      appOnly: true,
    },
    { preset: "auth0", env: () => ({ AUTH_PROVIDER: "auth0" }), appOnly: true },
    { preset: "azure", env: () => ({ AUTH_PROVIDER: "azure" }), appOnly: true },
    { preset: "okta", env: () => ({ AUTH_PROVIDER: "okta" }), appOnly: true },
    {
      preset: "supabase",
      env: (jwks) => ({ AUTH_PROVIDER: "supabase", SUPABASE_URL: mock.url, AUTH_JWKS_URL: jwks }),
      // Supabase has no client-credentials grant: its service_role key is not an app-only token.
      appOnly: false,
    },
  ];

  it.each(cases)("$preset: the user token maps, app-only passes requireInternal", async (c) => {
    const env: Env = {
      ...c.env(`${mock.url}/.well-known/jwks.json`),
      AUTH_ISSUER: mock.url,
      ...(c.preset === "supabase" ? {} : { AUTH_AUDIENCE: mock.mock.settings.audience }),
    };
    const api = await startApi(createAuth({ env, redis: false, cacheTtlSeconds: 0 }));
    try {
      const user = await mock.mock.mintToken({ sub: "mock-admin", preset: c.preset });
      const me = await call(api.url, "/me", user);
      expect(me.status).toBe(200);
      expect(((await me.json()) as { id: string }).id).toBe("mock-admin-id");
      expect((await call(api.url, "/internal", user)).status).toBe(403);
      const bad = await mock.mock.mintToken({
        sub: "mock-admin",
        preset: c.preset,
        bad: "expired",
      });
      expect((await call(api.url, "/me", bad)).status).toBe(401);
      if (c.appOnly) {
        const app = await mock.mock.mintToken({
          appOnly: true,
          preset: c.preset,
          clientId: "indexer",
          scope: "reindex",
        });
        expect((await call(api.url, "/internal", app)).status).toBe(200);
      }
    } finally {
      await closeApi(api.server);
    }
  });

  it("keycloak: realm roles feed requireRole", async () => {
    const env: Env = {
      AUTH_PROVIDER: "keycloak",
      KEYCLOAK_URL: mock.url,
      KEYCLOAK_REALM: "mock",
      KEYCLOAK_CLIENT_ID: "mock-client",
      AUTH_ISSUER: mock.url,
      AUTH_JWKS_URL: `${mock.url}/.well-known/jwks.json`,
    };
    const api = await startApi(createAuth({ env, redis: false, cacheTtlSeconds: 0 }));
    try {
      const admin = await mock.mock.mintToken({ sub: "mock-admin", preset: "keycloak" });
      expect((await call(api.url, "/admin", admin)).status).toBe(200);
      const viewer = await mock.mock.mintToken({ sub: "mock-viewer", preset: "keycloak" });
      expect((await call(api.url, "/admin", viewer)).status).toBe(403);
    } finally {
      await closeApi(api.server);
    }
  });
});
