import { describe, expect, it } from "vitest";
import { requireAuthLevel, toResponse } from "../../bindings/node/index.js";
import { createAuth } from "../../config/createAuth.js";
import { createAdapterValidator } from "../../validators/adapters/createAdapterValidator.js";
import type { Auth } from "../Auth.js";
import { ConfigurationError, InsufficientUserAuthenticationError } from "../errors.js";
import type { TokenValidator } from "../types.js";
import { makeUser, withClaims } from "../user.js";

const now = () => Math.floor(Date.now() / 1000);

/** Tokens are base64url JSON claims read by a custom adapter (its users carry `claims`). */
function claimsAuth(clockSkew = "60"): Auth {
  const validator = createAdapterValidator("test", {
    validateToken: async (token) => {
      const claims = JSON.parse(Buffer.from(token, "base64url").toString());
      return { userId: claims.sub, rawClaims: claims };
    },
  });
  return createAuth({ env: { AUTH_CLOCK_SKEW: clockSkew }, validator, logger: { warn() {} } });
}

/** Proxy-shaped users: no claims, get-me's unknown fields (acr, auth_time) in `extra`. */
function proxyShapedAuth(): Auth {
  const validator: TokenValidator = {
    name: "proxy",
    async verify(token) {
      const extra = JSON.parse(Buffer.from(token, "base64url").toString());
      return { user: makeUser({ provider: "proxy", id: "u1", extra }) };
    },
    async hasPermission() {
      return false;
    },
  };
  return createAuth({ env: {}, validator, logger: { warn() {} } });
}

const request = (claims: Record<string, unknown>) =>
  new Request("http://api.test/", {
    headers: {
      authorization: `Bearer ${Buffer.from(JSON.stringify(claims)).toString("base64url")}`,
    },
  });

/** The answer the route sends: 200 with the user id, or the error's status, header and body. */
async function answer(check: (req: Request) => Promise<{ id: string | null }>, req: Request) {
  try {
    return { status: 200, id: (await check(req)).id, challenge: null, body: null };
  } catch (error) {
    const res = toResponse(error);
    return {
      status: res.status,
      id: null,
      challenge: res.headers.get("www-authenticate"),
      body: await res.json(),
    };
  }
}

describe("requireAuthLevel (RFC 9470 step-up)", () => {
  const auth = claimsAuth();
  const mfa = requireAuthLevel({ acr: ["mfa", "phr"] }, { auth });
  const recent = requireAuthLevel({ maxAge: 300 }, { auth });
  const both = requireAuthLevel({ acr: ["mfa"], maxAge: 300 }, { auth });

  it("lets an acceptable acr through and refuses another with the RFC 9470 challenge", async () => {
    expect(await answer(mfa, request({ sub: "u1", acr: "phr" }))).toMatchObject({ status: 200 });
    const refused = await answer(mfa, request({ sub: "u1", acr: "pwd" }));
    expect(refused.status).toBe(401);
    expect(refused.challenge).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa phr"',
    );
    expect(refused.body).toEqual({
      error: "insufficient_user_authentication",
      message: "A different authentication level is required",
      acr_values: "mfa phr",
    });
    // No acr at all, or one of the wrong type, is not acceptable either.
    expect((await answer(mfa, request({ sub: "u1" }))).status).toBe(401);
    expect((await answer(mfa, request({ sub: "u1", acr: ["mfa"] }))).status).toBe(401);
  });

  it("maxAge: a recent auth_time passes, an old or missing one gets max_age in the challenge", async () => {
    expect(await answer(recent, request({ sub: "u1", auth_time: now() - 10 }))).toMatchObject({
      status: 200,
      id: "u1",
    });
    const stale = await answer(recent, request({ sub: "u1", auth_time: now() - 3600 }));
    expect(stale.status).toBe(401);
    expect(stale.challenge).toBe(
      'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"',
    );
    expect(stale.body).toMatchObject({ max_age: 300 });
    expect((await answer(recent, request({ sub: "u1" }))).status).toBe(401);
    expect((await answer(recent, request({ sub: "u1", auth_time: "0" }))).status).toBe(401);
  });

  it("the clock tolerance (AUTH_CLOCK_SKEW) widens maxAge, and bounds a future auth_time", async () => {
    const skewed = requireAuthLevel({ maxAge: 300 }, { auth: claimsAuth("60") });
    expect((await answer(skewed, request({ sub: "u", auth_time: now() - 330 }))).status).toBe(200);
    expect((await answer(skewed, request({ sub: "u", auth_time: now() - 400 }))).status).toBe(401);
    expect((await answer(skewed, request({ sub: "u", auth_time: now() + 30 }))).status).toBe(200);
    expect((await answer(skewed, request({ sub: "u", auth_time: now() + 600 }))).status).toBe(401);
    const strict = requireAuthLevel({ maxAge: 300 }, { auth: claimsAuth("0") });
    expect((await answer(strict, request({ sub: "u", auth_time: now() - 330 }))).status).toBe(401);
  });

  it("both: either failing refuses, and the challenge names both requirements", async () => {
    const fresh = now() - 5;
    expect((await answer(both, request({ sub: "u", acr: "mfa", auth_time: fresh }))).status).toBe(
      200,
    );
    const weak = await answer(both, request({ sub: "u", acr: "pwd", auth_time: fresh }));
    expect(weak.challenge).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa", max_age="300"',
    );
    const old = await answer(both, request({ sub: "u", acr: "mfa", auth_time: fresh - 3600 }));
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ acr_values: "mfa", max_age: 300 });
  });

  it("without a token it is the plain 401, not a step-up challenge", async () => {
    const res = await answer(mfa, new Request("http://api.test/"));
    expect(res).toMatchObject({ status: 401, challenge: "Bearer" });
  });

  it("proxy mode reads get-me's acr and auth_time; claims, when present, are the only source", async () => {
    const proxy = proxyShapedAuth();
    const check = requireAuthLevel({ acr: ["mfa"], maxAge: 300 }, { auth: proxy });
    expect((await answer(check, request({ acr: "mfa", auth_time: now() }))).status).toBe(200);
    expect((await answer(check, request({ acr: "pwd", auth_time: now() }))).status).toBe(401);
    expect((await answer(check, request({ acr: "mfa" }))).status).toBe(401);
    // A token's claims win: an `extra` field can never vouch for a JWT user.
    const mixed: TokenValidator = {
      name: "jwt",
      async verify() {
        const extra = { acr: "mfa", auth_time: now() };
        return { user: withClaims(makeUser({ provider: "jwt", id: "u", extra }), { sub: "u" }) };
      },
      async hasPermission() {
        return false;
      },
    };
    const jwtAuth = createAuth({ env: {}, validator: mixed, logger: { warn() {} } });
    const guarded = requireAuthLevel({ acr: ["mfa"] }, { auth: jwtAuth });
    expect((await answer(guarded, request({}))).status).toBe(401);
  });

  it("checks its options when the route is declared", () => {
    expect(() => requireAuthLevel({}, { auth })).toThrow(ConfigurationError);
    expect(() => requireAuthLevel({ acr: [] }, { auth })).toThrow(/at least one acr value/);
    expect(() => requireAuthLevel({ acr: ['mfa", x="1'] }, { auth })).toThrow(/no spaces, quotes/);
    expect(() => requireAuthLevel({ acr: ["a b"] }, { auth })).toThrow(ConfigurationError);
    expect(() => requireAuthLevel({ maxAge: -1 }, { auth })).toThrow(/whole number of seconds/);
    expect(() => requireAuthLevel({ maxAge: 1.5 }, { auth })).toThrow(ConfigurationError);
    expect(() => requireAuthLevel({ maxAge: Number.NaN }, { auth })).toThrow(ConfigurationError);
  });

  it("is an AuthError subclass carrying the requirement", () => {
    const error = new InsufficientUserAuthenticationError({ acrValues: ["mfa"], maxAge: 60 }, "x");
    expect(error).toMatchObject({ status: 401, acrValues: ["mfa"], maxAge: 60 });
  });
});
