import { createServer } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { listen } from "./listen.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";
import { startUpgradeServer, type UpgradeServer } from "./upgradeServer.js";

const TOKEN = "ws-token.abc_DEF-123";
const silent = { warn: () => {} };

describe("WebSocket upgrades: ?access_token= is off by default (tokens end up in access logs)", () => {
  let proxy: StandInProxy;
  let defaults: Auth;
  let optedIn: Auth;
  let server: UpgradeServer;

  beforeAll(async () => {
    proxy = await startStandInProxy({ [TOKEN]: userBody("ws-user") });
    const base = { proxyUrlOverride: proxy.url, logger: silent };
    defaults = createAuth({ env: {}, ...base });
    optedIn = createAuth({ env: { AUTH_WS_ALLOW_QUERY_TOKEN: "true" }, ...base });
    server = await startUpgradeServer((req) => ({
      auth: req.url?.startsWith("/opted-in") ? optedIn : defaults,
    }));
  });

  afterAll(async () => {
    server.close();
    await defaults.close();
    await optedIn.close();
    await proxy.close();
  });

  const connect = async (path: string, protocols: string[] = []) => {
    const { status, userId } = await server.connect(path, protocols);
    return userId === undefined ? { status } : { status, userId };
  };

  it("refuses a query-string token with the default settings; the subprotocol works", async () => {
    expect(defaults.settings.wsAllowQueryToken).toBe(false);
    expect((await connect(`/?access_token=${TOKEN}`)).status).toBe(401);
    expect(await connect("/", ["oxa-auth", `oxa-auth.bearer.${TOKEN}`])).toEqual({
      status: 101,
      userId: "ws-user",
    });
  });

  it("AUTH_WS_ALLOW_QUERY_TOKEN=true opts back in", async () => {
    expect(await connect(`/opted-in?access_token=${TOKEN}`)).toEqual({
      status: 101,
      userId: "ws-user",
    });
  });
});

describe("local JWT mode: a requested scope is not a permission by default", () => {
  let key: FixtureKey;
  let idp: FakeIdp;
  let defaults: Auth;
  let withScopes: Auth;
  let app: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    key = await makeKey("ES256", "k1");
    idp = await startFakeIdp([key]);
    const env = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api" };
    defaults = createAuth({ env, logger: silent });
    withScopes = createAuth({
      env: { ...env, AUTH_PERMISSION_SOURCES: "permissions,roles,scopes" },
      logger: silent,
    });
    const server = express();
    const reply = (req: express.Request, res: express.Response) => res.json({ id: req.user?.id });
    server.get("/audit", ex.requirePermission("audit", { auth: defaults }), reply);
    server.get("/audit-scopes", ex.requirePermission("audit", { auth: withScopes }), reply);
    server.get("/scope", ex.requireScope("audit", { auth: defaults }), reply);
    app = await listen(createServer(server));
  });

  afterAll(async () => {
    await app.close();
    await defaults.close();
    await withScopes.close();
    await idp.close();
  });

  const call = async (path: string, claims: Record<string, unknown>) => {
    const token = await signToken(key, { iss: idp.issuer, aud: "api", ...claims });
    return (await fetch(app.url + path, { headers: { authorization: `Bearer ${token}` } })).status;
  };

  it("a token that only requested the scope gets 403 from requirePermission", async () => {
    expect(await call("/audit", { scope: "openid audit" })).toBe(403);
    expect(await call("/audit", { scp: ["audit"] })).toBe(403);
  });

  it("roles and permissions still grant it", async () => {
    expect(await call("/audit", { permissions: ["audit"] })).toBe(200);
    expect(await call("/audit", { roles: ["audit"] })).toBe(200);
  });

  it("requireScope checks scopes; AUTH_PERMISSION_SOURCES=…,scopes opts back in", async () => {
    expect(await call("/scope", { scope: "openid audit" })).toBe(200);
    expect(await call("/audit-scopes", { scope: "openid audit" })).toBe(200);
  });
});
