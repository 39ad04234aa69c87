import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as fa from "../src/bindings/fastify/index.js";
import * as ho from "../src/bindings/hono/index.js";
import * as no from "../src/bindings/node/index.js";
import { type Auth, type AuthLevelOptions, createAuth, requirements } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { guardApps, localJwtAuth, serveGuardApp } from "./guardApps.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";
import { startUpgradeServer } from "./upgradeServer.js";

const AUD = "orders-api";
/** The dangerous route: a multi-factor sign-in within the last five minutes. */
const LEVEL: AuthLevelOptions = { acr: ["mfa"], maxAge: 300 };
const CHALLENGE_ACR =
  'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa", max_age="300"';
const CHALLENGE_AGE =
  'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", acr_values="mfa", max_age="300"';

const APPS = guardApps({
  express: (app, o, reply) => app.post("/delete", ex.requireAuthLevel(LEVEL, o), reply),
  fastify: (app, o, reply) =>
    app.post("/delete", { preHandler: fa.requireAuthLevel(LEVEL, o) }, reply),
  hono: (app, o, reply) => app.post("/delete", ho.requireAuthLevel(LEVEL, o), reply),
  node: (o) => {
    const check = no.requireAuthLevel(LEVEL, o);
    return () => check;
  },
});

const now = () => Math.floor(Date.now() / 1000);

async function post(url: string, token?: string) {
  const res = await fetch(`${url}/delete`, {
    method: "POST",
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return {
    status: res.status,
    challenge: res.headers.get("www-authenticate"),
    body: await res.json(),
  };
}

let key: FixtureKey;
let idp: FakeIdp;
beforeAll(async () => {
  key = await makeKey("ES256", "step-up");
  idp = await startFakeIdp([key]);
});
afterAll(() => idp.close());

const token = (claims: Record<string, unknown>) =>
  signToken(key, { iss: idp.issuer, aud: AUD, sub: "u1", ...claims });

for (const [name, start] of Object.entries(APPS)) {
  describe(`${name} binding: requireAuthLevel in local JWT mode`, () => {
    const app = serveGuardApp(start, () => localJwtAuth(idp.issuer, AUD));

    it("a recent multi-factor sign-in passes: acr and auth_time reach the guard", async () => {
      const res = await post(app.url, await token({ acr: "mfa", auth_time: now() - 10 }));
      expect(res).toMatchObject({ status: 200, body: { userId: "u1" } });
    });

    it("a weaker acr is a 401 step-up challenge (RFC 9470 §3), body included", async () => {
      const res = await post(app.url, await token({ acr: "pwd", auth_time: now() }));
      expect(res.status).toBe(401);
      expect(res.challenge).toBe(CHALLENGE_ACR);
      expect(res.body).toEqual({
        error: "insufficient_user_authentication",
        message: "A different authentication level is required",
        acr_values: "mfa",
        max_age: 300,
      });
    });

    it("a stale or missing auth_time is a 401 step-up challenge", async () => {
      const stale = await post(app.url, await token({ acr: "mfa", auth_time: now() - 3600 }));
      expect(stale).toMatchObject({ status: 401, challenge: CHALLENGE_AGE });
      const missing = await post(app.url, await token({ acr: "mfa" }));
      expect(missing).toMatchObject({ status: 401, challenge: CHALLENGE_AGE });
    });

    it("no token or a bad token is the ordinary 401, never a step-up", async () => {
      expect(await post(app.url)).toMatchObject({ status: 401, challenge: "Bearer" });
      const foreign = await token({ aud: "other", acr: "mfa", auth_time: now() });
      expect(await post(app.url, foreign)).toMatchObject({
        status: 401,
        challenge: 'Bearer error="invalid_token"',
      });
    });
  });
}

describe("requireAuthLevel in proxy mode: get-me's acr and auth_time", () => {
  let proxy: StandInProxy;
  let auth: Auth;
  let app: AppUnderTest;
  beforeAll(async () => {
    proxy = await startStandInProxy({
      strong: { ...userBody("u1"), acr: "mfa", auth_time: now() - 5 },
      weak: { ...userBody("u2"), acr: "pwd", auth_time: now() - 5 },
      stale: { ...userBody("u3"), acr: "mfa", auth_time: now() - 3600 },
    });
    auth = createAuth({ env: {}, proxyUrlOverride: proxy.url, logger: { warn() {} } });
    app = await APPS.Express(auth);
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
    await proxy.close();
  });

  it("passes a strong recent sign-in and challenges a weak or stale one", async () => {
    expect(await post(app.url, "strong")).toMatchObject({ status: 200, body: { userId: "u1" } });
    expect(await post(app.url, "weak")).toMatchObject({ status: 401, challenge: CHALLENGE_ACR });
    expect(await post(app.url, "stale")).toMatchObject({ status: 401, challenge: CHALLENGE_AGE });
  });
});

describe("requireAuthLevel on WebSocket upgrades", () => {
  it("refuses a weak sign-in's upgrade with the step-up answer and admits a strong one", async () => {
    const auth = createAuth({
      env: { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: AUD },
      logger: { warn() {} },
    });
    const server = await startUpgradeServer(() => ({
      auth,
      require: [requirements.authLevel(LEVEL)],
    }));
    try {
      const weak = await token({ acr: "pwd", auth_time: now() });
      const refused = await server.connect("/", ["oxa-auth", `oxa-auth.bearer.${weak}`]);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body ?? "")).toMatchObject({
        error: "insufficient_user_authentication",
        acr_values: "mfa",
        max_age: 300,
      });
      const strong = await token({ acr: "mfa", auth_time: now() });
      const admitted = await server.connect("/", ["oxa-auth", `oxa-auth.bearer.${strong}`]);
      expect(admitted).toMatchObject({ status: 101, userId: "u1" });
    } finally {
      server.close();
      await auth.close();
    }
  });
});
