import { createServer } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type Auth, createAuth } from "../src/index.js";
import { JwtValidator, type JwtValidatorOptions } from "../src/validators/jwt/JwtValidator.js";
import type { AppUnderTest } from "./bindingSuite.js";
import {
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signLogoutToken,
  signToken,
  startFakeIdp,
} from "./jwtFixtures.js";
import { listen } from "./listen.js";

// Tokens of the same provider (same keys, same issuer) that are not access tokens, presented as
// Bearer tokens over real HTTP: each is refused with a reason in the log that names its kind.
const AUD = "orders-api";

let key: FixtureKey;
let idp: FakeIdp;
beforeAll(async () => {
  key = await makeKey("RS256", "types");
  idp = await startFakeIdp([key]);
});
afterAll(() => idp.close());

/** An Express app on `/me` whose instance logs into `lines`. */
async function start(options: Partial<JwtValidatorOptions> = {}) {
  const lines: string[] = [];
  const logger = {
    warn: (line: string) => lines.push(line),
    error: (line: string) => lines.push(line),
  };
  const auth: Auth = createAuth({
    env: {},
    validator: new JwtValidator({ issuer: idp.issuer, audience: AUD, logger, ...options }),
    logger,
    negativeCacheTtlSeconds: 0,
  });
  const app = express();
  app.get("/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ userId: req.user?.id }));
  const server: AppUnderTest = await listen(createServer(app));
  const call = async (token: string) => {
    const res = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return {
      status: res.status,
      body: JSON.parse(text) as { error?: string; message?: string },
      text,
    };
  };
  return {
    lines,
    call,
    close: async () => {
      await server.close();
      await auth.close();
    },
  };
}

const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  signToken(key, { iss: idp.issuer, aud: AUD, ...claims }, header);

describe("tokens that are plainly not access tokens (default rules)", () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  const refused = async (token: string, reason: RegExp) => {
    app.lines.length = 0;
    const res = await app.call(token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_token");
    expect(res.body.message).toMatch(reason);
    expect(res.text).not.toContain(token);
    expect(app.lines).toHaveLength(1);
    expect(app.lines[0]).toMatch(reason);
    expect(app.lines[0]).not.toContain(token);
    expect(app.lines[0]).not.toContain(token.split(".")[1]);
  };

  it("accepts plain access tokens (typ JWT, at+jwt, none)", async () => {
    expect((await app.call(await sign({}))).status).toBe(200);
    expect((await app.call(await sign({}, { typ: "at+jwt" }))).status).toBe(200);
    expect((await app.call(await sign({}, { typ: "application/at+jwt" }))).status).toBe(200);
    expect((await app.call(await sign({}, { typ: undefined }))).status).toBe(200);
    expect(app.lines).toEqual([]);
  });

  it("refuses an ID token presented as a Bearer token (nonce, at_hash), logging why", async () => {
    await refused(await sign({ nonce: "n-1" }), /ID token .*carries nonce/);
    await refused(await sign({ at_hash: "abc" }), /ID token .*carries at_hash/);
  });

  it("refuses a back-channel logout token and other explicitly typed JWTs", async () => {
    const logout = await signLogoutToken(key, idp.issuer, AUD, {
      sub: "user-1",
      sid: "s-1",
      exp: Math.floor(Date.now() / 1000) + 120,
    });
    await refused(logout, /a logout\+jwt token is not an access token/);
    await refused(await sign({}, { typ: "application/logout+jwt" }), /logout\+jwt/);
    await refused(await sign({}, { typ: "secevent+jwt" }), /a secevent\+jwt token/);
    await refused(await sign({}, { typ: "dpop+jwt" }), /a dpop\+jwt token/);
  });

  it("refuses Keycloak's ID and refresh tokens, but accepts its access tokens that still carry a nonce (before 25)", async () => {
    await refused(await sign({ typ: "ID", nonce: "n" }), /a ID token is not an access token/);
    await refused(await sign({ typ: "Refresh" }), /a Refresh token is not an access token/);
    expect((await app.call(await sign({ typ: "Bearer", nonce: "n" }))).status).toBe(200);
    expect((await app.call(await sign({ nonce: "n" }, { typ: "at+jwt" }))).status).toBe(200);
  });
});

describe("browserClientIds: an aud naming a browser client is its ID token", () => {
  it("refuses it even when the aud also lists this API", async () => {
    const app = await start({ browserClientIds: ["spa-client"] });
    try {
      const res = await app.call(await sign({ aud: ["spa-client", AUD] }));
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/its aud names a browser client/);
      expect(app.lines[0]).toMatch(/Refused a bearer token: an ID token/);
      expect((await app.call(await sign({ aud: AUD, azp: "spa-client" }))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("refuses a configuration where a browser client is also an accepted audience", () => {
    expect(
      () =>
        new JwtValidator({ issuer: idp.issuer, audience: [AUD, "spa"], browserClientIds: ["spa"] }),
    ).toThrow(/browserClientIds lists "spa", which is also an accepted audience/);
  });
});

describe("requireAccessTokenType: RFC 9068 at+jwt only", () => {
  it("accepts typ at+jwt (or application/at+jwt) and refuses JWT or no typ", async () => {
    const app = await start({ requireAccessTokenType: true });
    try {
      expect((await app.call(await sign({}, { typ: "at+jwt" }))).status).toBe(200);
      expect((await app.call(await sign({}, { typ: "application/AT+JWT" }))).status).toBe(200);
      for (const typ of ["JWT", undefined]) {
        const res = await app.call(await sign({}, { typ }));
        expect(res.status, String(typ)).toBe(401);
        expect(res.body.message).toMatch(/not at\+jwt, which AUTH_REQUIRE_AT_JWT/);
      }
    } finally {
      await app.close();
    }
  });
});

describe("AUTH_REQUIRE_AT_JWT", () => {
  it("turns requireAccessTokenType on from the environment", async () => {
    const auth = createAuth({
      env: {
        AUTH_PROVIDER: "jwt",
        AUTH_ISSUER: idp.issuer,
        AUTH_JWKS_URL: idp.jwksUrl,
        AUTH_AUDIENCE: AUD,
        AUTH_REQUIRE_AT_JWT: "true",
      },
      logger: { warn() {} },
    });
    const app = express();
    app.get("/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ userId: req.user?.id }));
    const server = await listen(createServer(app));
    try {
      const call = async (token: string) =>
        (await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
      expect(await call(await sign({}, { typ: "at+jwt" }))).toBe(200);
      expect(await call(await sign({}, { typ: "JWT" }))).toBe(401);
    } finally {
      await server.close();
      await auth.close();
    }
    expect(() =>
      createAuth({
        env: {
          AUTH_PROVIDER: "jwt",
          AUTH_ISSUER: idp.issuer,
          AUTH_AUDIENCE: AUD,
          AUTH_REQUIRE_AT_JWT: "maybe",
        },
      }),
    ).toThrow(/AUTH_REQUIRE_AT_JWT must be one of/);
  });
});
