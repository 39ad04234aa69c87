import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StandInProxy, startStandInProxy, userBody } from "../../../test/standInProxy.js";
import { startUpgradeServer, type UpgradeServer } from "../../../test/upgradeServer.js";
import { createAuth } from "../../config/createAuth.js";
import type { Auth } from "../../kernel/Auth.js";
import { ConfigurationError, InvalidRequestError, InvalidTokenError } from "../../kernel/errors.js";
import { authenticateUpgrade, selectWsProtocol } from "./authenticateUpgrade.js";
import { WS_AUTH_PROTOCOL, WS_BEARER_PROTOCOL_PREFIX } from "./constants.js";

const ALICE = "alice.ws-token_1";
const BOB = "bob.ws-token_2";
const silent = { warn: () => {} };

describe("authenticateUpgrade with ws (handleUpgrade)", () => {
  let proxy: StandInProxy;
  let auth: Auth;
  let noQueryAuth: Auth;
  let server: UpgradeServer;

  beforeAll(async () => {
    proxy = await startStandInProxy({
      [ALICE]: userBody("alice", ["chat"]),
      [BOB]: userBody("bob"),
    });
    // A generous proxy timeout: a loaded machine must not turn an answer into a 502.
    const base = { env: {}, proxyUrlOverride: proxy.url, proxyTimeoutSeconds: 5, logger: silent };
    auth = createAuth({
      ...base,
      wsAllowQueryToken: true,
      cacheTtlSeconds: 0,
      negativeCacheTtlSeconds: 0,
    });
    noQueryAuth = createAuth({ ...base, wsAllowQueryToken: false });
    server = await startUpgradeServer((req) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      return {
        auth: path === "/no-query" ? noQueryAuth : auth,
        ...(path === "/chat" ? { permission: "chat" } : {}),
      };
    });
  });

  afterAll(async () => {
    server.close();
    await auth.close();
    await noQueryAuth.close();
    await proxy.close();
  });

  afterEach(() => {
    proxy.mode = "normal";
  });

  const connect = (path: string, protocols: string[] = [], headers: Record<string, string> = {}) =>
    server.connect(path, protocols, headers);

  it("accepts the token in the oxa-auth.bearer. subprotocol and answers oxa-auth (never the token)", async () => {
    const outcome = await connect("/", [WS_AUTH_PROTOCOL, WS_BEARER_PROTOCOL_PREFIX + ALICE]);
    expect(outcome).toEqual({ status: 101, protocol: "oxa-auth", userId: "alice" });
  });

  it("accepts the Authorization header", async () => {
    const outcome = await connect("/", [], { authorization: `Bearer ${BOB}` });
    expect(outcome.userId).toBe("bob");
  });

  it("accepts ?access_token= unless AUTH_WS_ALLOW_QUERY_TOKEN is off", async () => {
    expect((await connect(`/?access_token=${ALICE}`)).userId).toBe("alice");
    expect((await connect(`/no-query?access_token=${ALICE}`)).status).toBe(401);
  });

  it("ignores cookies (cross-site WebSocket hijacking)", async () => {
    const outcome = await connect("/", [], { cookie: `OxaigenPlatformAuthAccessToken=${ALICE}` });
    expect(outcome.status).toBe(401);
  });

  it("rejects before the socket opens: 401 missing / invalid, 403 permission, 502 upstream", async () => {
    const missing = await connect("/");
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body ?? "")).toMatchObject({ error: "unauthenticated" });
    const invalid = await connect("/", [WS_AUTH_PROTOCOL, `${WS_BEARER_PROTOCOL_PREFIX}nope`]);
    expect(invalid.status).toBe(401);
    expect((await connect("/chat", [], { authorization: `Bearer ${BOB}` })).status).toBe(403);
    expect((await connect("/chat", [], { authorization: `Bearer ${ALICE}` })).status).toBe(101);
    proxy.mode = "status500";
    const down = await connect("/", [WS_AUTH_PROTOCOL, WS_BEARER_PROTOCOL_PREFIX + ALICE]);
    expect(down.status).toBe(502);
    expect(down.body).not.toContain(ALICE);
  });

  it("logs the cause of a 5xx exactly once per refused upgrade", async () => {
    const lines: string[] = [];
    const logging = createAuth({
      env: {},
      proxyUrlOverride: proxy.url,
      proxyTimeoutSeconds: 5,
      cacheTtlSeconds: 0,
      negativeCacheTtlSeconds: 0,
      logger: { warn: (line) => lines.push(line) },
    });
    proxy.mode = "status500";
    const headers = { authorization: `Bearer ${ALICE}` };
    await expect(authenticateUpgrade({ headers }, { auth: logging })).rejects.toMatchObject({
      status: 502,
    });
    await expect(
      authenticateUpgrade({ headers }, { auth: logging, permission: "chat" }),
    ).rejects.toMatchObject({ status: 502 });
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain(ALICE);
    await logging.close();
  });

  it("rejects a malformed Authorization header (401) and several values in one (400)", async () => {
    const basic = await connect("/", [], { authorization: "Basic YWxpY2U6cHc=" });
    expect(basic.status).toBe(401);
    expect(JSON.parse(basic.body ?? "")).toMatchObject({ error: "invalid_token" });
    const several = await connect("/", [], { authorization: `Bearer ${ALICE}, Bearer ${BOB}` });
    expect(several.status).toBe(400);
    expect(JSON.parse(several.body ?? "")).toMatchObject({ error: "invalid_request" });
  });

  it("requires oxa-auth to be offered next to the bearer entry (400)", async () => {
    const outcome = await connect("/", [WS_BEARER_PROTOCOL_PREFIX + ALICE]);
    expect(outcome.status).toBe(400);
  });
});

describe("authenticateUpgrade input validation", () => {
  const auth = createAuth({ env: {}, proxyUrlOverride: "http://127.0.0.1:9", logger: silent });
  const upgrade = (headers: Record<string, string>, url = "/") =>
    authenticateUpgrade({ headers, url } as unknown as IncomingMessage, { auth });

  it("rejects non-tchar tokens in the subprotocol and duplicate bearer entries", async () => {
    await expect(
      upgrade({ "sec-websocket-protocol": `oxa-auth, ${WS_BEARER_PROTOCOL_PREFIX}a/b=` }),
    ).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(
      upgrade({ "sec-websocket-protocol": "oxa-auth, oxa-auth.bearer.a, oxa-auth.bearer.b" }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("validates the permission name before anything else", async () => {
    await expect(
      authenticateUpgrade({ headers: {} }, { auth, permission: "a b" }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("selectWsProtocol answers oxa-auth or nothing", () => {
    expect(selectWsProtocol(new Set(["oxa-auth.bearer.x", "oxa-auth"]))).toBe("oxa-auth");
    expect(selectWsProtocol(new Set(["chat"]))).toBe(false);
  });
});
