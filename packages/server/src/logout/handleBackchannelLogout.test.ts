import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type BackchannelLogoutDeps, handleBackchannelLogout } from "./handleBackchannelLogout.js";
import { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken } from "./verifyLogoutToken.js";

const ISSUER = "https://id.example.com";
const CLIENT = "orders-web";
const FORM = "application/x-www-form-urlencoded";

describe("back-channel logout (OIDC Back-Channel Logout 1.0)", () => {
  let sign: (claims: Record<string, unknown>, typ?: string) => Promise<string>;
  let forge: (claims: Record<string, unknown>) => Promise<string>;
  let deps: BackchannelLogoutDeps & { revoked: unknown[] };

  beforeAll(async () => {
    const good = await generateKeyPair("ES256");
    const evil = await generateKeyPair("ES256");
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(good.publicKey)), kid: "k1" }] });
    const base = () => ({
      iss: ISSUER,
      aud: CLIENT,
      jti: `jti-${Math.random()}`,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    const build = (claims: Record<string, unknown>, typ: string) =>
      new SignJWT({ ...base(), ...claims })
        .setProtectedHeader({ alg: "ES256", kid: "k1", typ })
        .setIssuedAt(typeof claims.iat === "number" ? claims.iat : undefined);
    sign = (claims, typ = "logout+jwt") => build(claims, typ).sign(good.privateKey);
    forge = (claims) => build(claims, "logout+jwt").sign(evil.privateKey);
    const seen = new Set<string>();
    const revoked: unknown[] = [];
    deps = {
      revoked,
      verify: (token) =>
        verifyLogoutToken(token, { issuer: ISSUER, audience: CLIENT, getKey: jwks }),
      firstSight: async (iss, jti) => {
        const key = `${iss} ${jti}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
      revoke: async (target) => {
        revoked.push(target);
      },
    };
  });

  const post = (token: string, type = FORM) =>
    handleBackchannelLogout(type, new URLSearchParams({ logout_token: token }).toString(), deps);

  it("revokes the session named by sid (200, no-store), and refuses a replay with 400", async () => {
    const token = await sign({ sub: "alice", sid: "s-1" });
    const first = await post(token);
    expect(first.status).toBe(200);
    expect(first.headers["cache-control"]).toBe("no-store");
    // The session, and the subject's tokens that carry no sid (they belong to it as much).
    expect(deps.revoked.slice(-2)).toEqual([
      { sid: "s-1", iss: ISSUER },
      { sub: "alice", withoutSid: true, iss: ISSUER },
    ]);
    const count = deps.revoked.length;
    const replay = await post(token);
    expect(replay.status).toBe(400);
    expect(deps.revoked).toHaveLength(count);
  });

  it("revokes every session of sub when there is no sid", async () => {
    expect((await post(await sign({ sub: "bob" }))).status).toBe(200);
    expect(deps.revoked.at(-1)).toEqual({ sub: "bob", iss: ISSUER });
  });

  it.each([
    ["a forged signature", () => forge({ sub: "alice", sid: "s-2" })],
    ["another audience", () => sign({ sub: "alice", aud: "other-app" })],
    ["another issuer", () => sign({ sub: "alice", iss: "https://evil.example" })],
    ["no events member", () => sign({ sub: "alice", events: { other: {} } })],
    ["a nonce (an ID token)", () => sign({ sub: "alice", nonce: "n" })],
    ["neither sub nor sid", () => sign({})],
    ["an old iat", () => sign({ sub: "alice", iat: Math.floor(Date.now() / 1000) - 3600 })],
    ["typ at+jwt", () => sign({ sub: "alice" }, "at+jwt")],
    ["not a JWT", async () => "not-a-jwt"],
  ])("refuses %s with 400 and revokes nothing", async (_name, make) => {
    const count = deps.revoked.length;
    const answer = await post(await make());
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "invalid_request" });
    expect(deps.revoked).toHaveLength(count);
  });

  it("a failed revocation answers 503 and the provider's retry of the same token is not a replay", async () => {
    const seen = new Set<string>();
    let failures = 1;
    const revoked: unknown[] = [];
    const flaky: BackchannelLogoutDeps = {
      verify: deps.verify,
      firstSight: async (iss, jti) => {
        if (seen.has(`${iss} ${jti}`)) return false;
        seen.add(`${iss} ${jti}`);
        return true;
      },
      revoke: async (target) => {
        if (failures-- > 0) throw new Error("Redis could not be told");
        revoked.push(target);
      },
      forget: async (iss, jti) => {
        seen.delete(`${iss} ${jti}`);
      },
    };
    const body = new URLSearchParams({ logout_token: await sign({ sid: "s-9" }) }).toString();
    const first = await handleBackchannelLogout(FORM, body, flaky);
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("1");
    expect((await handleBackchannelLogout(FORM, body, flaky)).status).toBe(200);
    expect(revoked).toEqual([{ sid: "s-9", iss: ISSUER }]);
    expect((await handleBackchannelLogout(FORM, body, flaky)).status).toBe(400);
  });

  it("refuses a body that is not a form with exactly one logout_token", async () => {
    const token = await sign({ sub: "alice" });
    expect((await post(token, "application/json")).status).toBe(400);
    const two = `logout_token=${token}&logout_token=${token}`;
    expect((await handleBackchannelLogout(FORM, two, deps)).status).toBe(400);
    expect((await handleBackchannelLogout(FORM, "", deps)).status).toBe(400);
  });
});
