import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, authenticateUpgrade, createAuth, requirements } from "../src/index.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { startUpgradeServer, type UpgradeServer } from "./upgradeServer.js";

describe("WebSocket upgrade auth in local JWT mode (env-configured)", () => {
  let key: FixtureKey;
  let idp: FakeIdp;
  let auth: Auth;
  let noQueryAuth: Auth;
  let server: UpgradeServer;

  beforeAll(async () => {
    key = await makeKey("RS256", "ws");
    idp = await startFakeIdp([key]);
    const env = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "chat" };
    const logger = { warn() {} };
    auth = createAuth({ env: { ...env, AUTH_WS_ALLOW_QUERY_TOKEN: "true" }, logger });
    noQueryAuth = createAuth({ env: { ...env, AUTH_WS_ALLOW_QUERY_TOKEN: "false" }, logger });
    server = await startUpgradeServer((req) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      return {
        auth: path === "/no-query" ? noQueryAuth : auth,
        ...(path === "/moderate" ? { permission: "moderate" } : {}),
        // Any guard reaches upgrades: a role and a scope, checked after the user, in order.
        ...(path === "/support"
          ? { require: [requirements.role("support"), requirements.scope("chat:write")] }
          : {}),
        ...(path === "/claims"
          ? {
              require: [
                requirements.claimEquals("tid", "t-1"),
                requirements.claimIncludes("groups", "chat"),
                requirements.claimCheck(
                  (claims) => claims.email_verified === true,
                  "a verified email",
                ),
                requirements.maxTokenAge(300),
              ],
            }
          : {}),
      };
    });
  });

  afterAll(async () => {
    server.close();
    await auth.close();
    await noQueryAuth.close();
    await idp.close();
  });

  const connect = (path: string, protocols: string[] = []) => server.connect(path, protocols);
  const token = (claims: Record<string, unknown> = {}) =>
    signToken(key, { iss: idp.issuer, aud: "chat", sub: "ws-user", ...claims });

  it("accepts a JWT in the oxa-auth.bearer. subprotocol and answers oxa-auth", async () => {
    const outcome = await connect("/", ["oxa-auth", `oxa-auth.bearer.${await token()}`]);
    expect(outcome).toEqual({ status: 101, protocol: "oxa-auth", userId: "ws-user" });
  });

  it("accepts ?access_token= unless AUTH_WS_ALLOW_QUERY_TOKEN=false", async () => {
    const t = await token();
    expect((await connect(`/?access_token=${t}`)).userId).toBe("ws-user");
    expect((await connect(`/no-query?access_token=${t}`)).status).toBe(401);
    const viaProtocol = await connect("/no-query", ["oxa-auth", `oxa-auth.bearer.${t}`]);
    expect(viaProtocol.status).toBe(101);
  });

  it("rejects expired and foreign tokens with 401 and a missing permission with 403", async () => {
    const expired = await token({ exp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await connect(`/?access_token=${expired}`)).status).toBe(401);
    const foreign = await token({ aud: "other" });
    expect((await connect("/", ["oxa-auth", `oxa-auth.bearer.${foreign}`])).status).toBe(401);
    const plain = await token({ permissions: ["read"] });
    expect((await connect(`/moderate?access_token=${plain}`)).status).toBe(403);
    const mod = await token({ permissions: ["moderate"] });
    expect((await connect(`/moderate?access_token=${mod}`)).status).toBe(101);
  });

  it("checks the requirements of `require` (a role, a scope) like the HTTP guards: 403 until both hold", async () => {
    const neither = await token({ roles: ["member"] });
    expect((await connect(`/support?access_token=${neither}`)).status).toBe(403);
    const roleOnly = await token({ roles: ["support"] });
    expect((await connect(`/support?access_token=${roleOnly}`)).status).toBe(403);
    const both = await token({ roles: ["support"], scope: "chat:write" });
    expect(await connect(`/support?access_token=${both}`)).toMatchObject({
      status: 101,
      userId: "ws-user",
    });
    expect(() => requirements.role("bad role")).toThrow(/Invalid role/);
  });

  it("checks claim rules and token age on upgrades: 403 insufficient_claims, 401 when too old", async () => {
    const good = { tid: "t-1", groups: ["chat"], email_verified: true };
    const now = Math.floor(Date.now() / 1000);
    expect(
      await connect("/claims", ["oxa-auth", `oxa-auth.bearer.${await token(good)}`]),
    ).toMatchObject({ status: 101, userId: "ws-user" });
    for (const [claims, status, error] of [
      [{ ...good, tid: "t-2" }, 403, "insufficient_claims"],
      [{ ...good, groups: ["other"] }, 403, "insufficient_claims"],
      [{ ...good, email_verified: false }, 403, "insufficient_claims"],
      [{ ...good, iat: now - 900 }, 401, "invalid_token"],
      [{ ...good, auth_time: now - 900 }, 401, "invalid_token"],
    ] as const) {
      const outcome = await connect("/claims", [
        "oxa-auth",
        `oxa-auth.bearer.${await token(claims)}`,
      ]);
      expect(outcome.status, JSON.stringify(claims)).toBe(status);
      expect(JSON.parse(outcome.body ?? "{}").error).toBe(error);
    }
  });

  it("answers 502 before the socket opens when the provider's keys are unreachable", async () => {
    const down = await startFakeIdp([key]);
    down.failWith = 503;
    const downAuth = createAuth({
      env: { AUTH_ISSUER: down.issuer, AUTH_AUDIENCE: "chat" },
      logger: { warn() {} },
    });
    try {
      const t = await signToken(key, { iss: down.issuer, aud: "chat" });
      await expect(
        authenticateUpgrade({ headers: { authorization: `Bearer ${t}` } }, { auth: downAuth }),
      ).rejects.toMatchObject({ status: 502 });
    } finally {
      await downAuth.close();
      await down.close();
    }
  });
});
