import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as fa from "../src/bindings/fastify/index.js";
import * as ho from "../src/bindings/hono/index.js";
import * as no from "../src/bindings/node/index.js";
import { type Auth, createAuth } from "../src/index.js";
import { JwtValidator } from "../src/validators/jwt/JwtValidator.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { listen } from "./listen.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

// The claim rules and token ages every binding serves, in local JWT mode (the token's claims)
// and in proxy mode (the get-me answer's fields), over real HTTP.
const AUD = "orders-api";
const VERIFIED = (claims: Readonly<Record<string, unknown>>) => claims.email_verified === true;
const RULE = "a verified email";

type Start = (auth: Auth) => Promise<AppUnderTest>;

const startExpress: Start = (auth) => {
  const app = express();
  const o = { auth };
  const reply = (req: express.Request, res: express.Response) => res.json({ userId: req.user?.id });
  app.get("/org", ex.claimEquals("org.id", "acme", o), reply);
  app.get("/groups", ex.claimIncludes("groups", "billing", "staff", o), reply);
  app.get("/verified", ex.claimCheck(VERIFIED, RULE, o), reply);
  app.get("/recent", ex.getCurrentUser({ ...o, maxTokenAge: 300 }), reply);
  app.get("/recent-staff", ex.claimIncludes("groups", "staff", { ...o, maxTokenAge: 300 }), reply);
  app.get("/recent-maybe", ex.getCurrentUserOptional({ ...o, maxTokenAge: 300 }), (req, res) =>
    res.json({ userId: req.user?.id ?? null, authError: req.authError ?? null }),
  );
  return listen(createServer(app));
};

const startFastify: Start = async (auth) => {
  const app = Fastify();
  const o = { auth };
  const reply = async (request: { user: { id: string | null } | null }) => ({
    userId: request.user?.id,
  });
  await app.register(fa.authPlugin, o);
  app.get("/org", { preHandler: fa.claimEquals("org.id", "acme", o) }, reply);
  app.get("/groups", { preHandler: fa.claimIncludes("groups", "billing", "staff", o) }, reply);
  app.get("/verified", { preHandler: fa.claimCheck(VERIFIED, RULE, o) }, reply);
  app.get("/recent", { preHandler: fa.getCurrentUser({ ...o, maxTokenAge: 300 }) }, reply);
  app.get(
    "/recent-staff",
    { preHandler: fa.claimIncludes("groups", "staff", { ...o, maxTokenAge: 300 }) },
    reply,
  );
  app.get(
    "/recent-maybe",
    { preHandler: fa.getCurrentUserOptional({ ...o, maxTokenAge: 300 }) },
    async (request) => ({ userId: request.user?.id ?? null, authError: request.authError }),
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
};

const startHono: Start = (auth) => {
  const app = new Hono<ho.AuthEnv>();
  const o = { auth };
  const reply = (c: { get(k: "user"): { id: string | null } | null; json(v: unknown): Response }) =>
    c.json({ userId: c.get("user")?.id });
  app.get("/org", ho.claimEquals("org.id", "acme", o), reply);
  app.get("/groups", ho.claimIncludes("groups", "billing", "staff", o), reply);
  app.get("/verified", ho.claimCheck(VERIFIED, RULE, o), reply);
  app.get("/recent", ho.getCurrentUser({ ...o, maxTokenAge: 300 }), reply);
  app.get("/recent-staff", ho.claimIncludes("groups", "staff", { ...o, maxTokenAge: 300 }), reply);
  app.get("/recent-maybe", ho.getCurrentUserOptional({ ...o, maxTokenAge: 300 }), (c) =>
    c.json({ userId: c.get("user")?.id ?? null, authError: c.get("authError") }),
  );
  return listen(createServer(getRequestListener(app.fetch)));
};

/** The node helpers' checkers by path (node:http and Web Request share them). */
function nodeChecks(auth: Auth) {
  const o = { auth };
  return {
    "/org": no.claimEquals("org.id", "acme", o),
    "/groups": no.claimIncludes("groups", "billing", "staff", o),
    "/verified": no.claimCheck(VERIFIED, RULE, o),
    "/recent": (req: no.AnyRequest) => no.getCurrentUser(req, { ...o, maxTokenAge: 300 }),
    "/recent-staff": no.claimIncludes("groups", "staff", { ...o, maxTokenAge: 300 }),
  } as Record<string, (req: no.AnyRequest) => Promise<{ id: string | null }>>;
}

const startNode: Start = (auth) => {
  const checks = nodeChecks(auth);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    try {
      if (path === "/recent-maybe") {
        const { user, error } = await no.authenticate(req, { auth, maxTokenAge: 300 });
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(
          JSON.stringify({ userId: user?.id ?? null, authError: error?.code ?? null }),
        );
      }
      const user = await (checks[path] as (r: IncomingMessage) => Promise<{ id: string | null }>)(
        req,
      );
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ userId: user.id }));
    } catch (error) {
      no.sendError(res, error);
    }
  };
  return listen(createServer((req, res) => void handle(req, res)));
};

/** The node helpers on Web `Request`s (Next.js route handlers, Bun, Deno), served over HTTP. */
const startWebRequest: Start = (auth) => {
  const checks = nodeChecks(auth);
  const handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    try {
      if (path === "/recent-maybe") {
        const user = await no.getCurrentUserOptional(request, { auth, maxTokenAge: 300 });
        return Response.json({
          userId: user?.id ?? null,
          authError: user ? null : "invalid_token",
        });
      }
      const user = await (checks[path] as (r: Request) => Promise<{ id: string | null }>)(request);
      return Response.json({ userId: user.id });
    } catch (error) {
      return no.toResponse(error);
    }
  };
  return listen(createServer(getRequestListener(handle)));
};

const BINDINGS = [
  ["Express", startExpress],
  ["Fastify", startFastify],
  ["Hono", startHono],
  ["node:http", startNode],
  ["Web Request", startWebRequest],
] as const;

const now = () => Math.floor(Date.now() / 1000);

/** One way of validating tokens: how it is made and how it mints a token carrying `claims`. */
interface Mode {
  name: string;
  auth(): Auth;
  token(claims: Record<string, unknown>): Promise<string>;
}

let key: FixtureKey;
let idp: FakeIdp;
let proxy: StandInProxy;
let minted = 0;
beforeAll(async () => {
  key = await makeKey("ES256", "claims");
  idp = await startFakeIdp([key]);
  proxy = await startStandInProxy({});
});
afterAll(async () => {
  await idp.close();
  await proxy.close();
});

const MODES: Mode[] = [
  {
    name: "local JWT",
    auth: () =>
      createAuth({
        env: {},
        validator: new JwtValidator({ issuer: idp.issuer, audience: AUD }),
        logger: { warn() {} },
      }),
    token: (claims) => signToken(key, { iss: idp.issuer, aud: AUD, sub: "u1", ...claims }),
  },
  {
    name: "proxy (get-me fields)",
    auth: () =>
      createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        proxyTimeoutSeconds: 5,
        logger: { warn() {} },
      }),
    token: async (claims) => {
      const token = `proxy-token-${++minted}`;
      proxy.users.set(token, { ...userBody("u1"), ...claims });
      return token;
    },
  },
];

for (const mode of MODES) {
  for (const [name, start] of BINDINGS) {
    describe(`${name} binding, ${mode.name}: claim rules and token age`, () => {
      let app: AppUnderTest;
      let auth: Auth;
      beforeAll(async () => {
        auth = mode.auth();
        app = await start(auth);
      });
      afterAll(async () => {
        await app.close();
        await auth.close();
      });

      const call = async (path: string, claims?: Record<string, unknown>) => {
        const token = claims === undefined ? undefined : await mode.token(claims);
        const headers: Record<string, string> =
          token === undefined ? {} : { authorization: `Bearer ${token}` };
        const res = await fetch(app.url + path, { headers });
        const text = await res.text();
        return {
          status: res.status,
          challenge: res.headers.get("www-authenticate"),
          text: token === undefined ? text : text.replaceAll(token, "<TOKEN>"),
          leaked: token !== undefined && text.includes(token),
          body: JSON.parse(text) as Record<string, unknown>,
        };
      };

      it("claimEquals: 200 on the value, 403 insufficient_claims naming the claim (not the value) otherwise", async () => {
        expect(await call("/org", { org: { id: "acme" } })).toMatchObject({
          status: 200,
          body: { userId: "u1" },
        });
        const other = await call("/org", { org: { id: "secret-tenant-7" } });
        expect(other.status).toBe(403);
        expect(other.body.error).toBe("insufficient_claims");
        expect(other.body.message).toContain("'org.id'");
        expect(other.text).not.toContain("secret-tenant-7");
        expect(other.text).not.toContain("acme");
        expect(other.leaked).toBe(false);
        expect(other.challenge).toBe(
          `Bearer error="insufficient_claims", error_description="${other.body.message}"`,
        );
        // The literal dotted name of a namespaced claim counts too; a missing claim is refused.
        expect((await call("/org", { "org.id": "acme" })).status).toBe(200);
        expect((await call("/org", { org: { id: ["acme"] } })).status).toBe(403);
        const missing = await call("/org", {});
        expect(missing.status).toBe(403);
        expect(missing.body.message).toMatch(/no 'org\.id' claim/);
        expect((await call("/org")).status).toBe(401);
      });

      it("claimIncludes: every value, from an array or a space-separated string", async () => {
        expect((await call("/groups", { groups: ["staff", "x", "billing"] })).status).toBe(200);
        expect((await call("/groups", { groups: "billing staff" })).status).toBe(200);
        const one = await call("/groups", { groups: ["staff", "hidden-group"] });
        expect(one.status).toBe(403);
        expect(one.body).toMatchObject({ error: "insufficient_claims" });
        expect(one.body.message).toContain("'groups'");
        expect(one.text).not.toContain("hidden-group");
        expect((await call("/groups", { groups: "billingstaff" })).status).toBe(403);
        expect((await call("/groups", { groups: { billing: true, staff: true } })).status).toBe(
          403,
        );
        expect((await call("/groups")).status).toBe(401);
      });

      it("claimCheck: the function decides; the refusal quotes the rule's description", async () => {
        expect((await call("/verified", { email_verified: true })).status).toBe(200);
        const refused = await call("/verified", { email_verified: "true" });
        expect(refused.status).toBe(403);
        expect(refused.body).toEqual({
          error: "insufficient_claims",
          message: "The access token does not meet this endpoint's rule: a verified email.",
        });
        expect((await call("/verified")).status).toBe(401);
      });

      it("maxTokenAge per guard: auth_time, else iat, with the clock tolerance; too old is 401 invalid_token", async () => {
        expect((await call("/recent", { iat: now() })).status).toBe(200);
        // 330 s: older than 300 s, within the 60 s tolerance.
        expect((await call("/recent", { iat: now() - 330 })).status).toBe(200);
        const old = await call("/recent", { iat: now() - 600 });
        expect(old.status).toBe(401);
        expect(old.challenge).toBe('Bearer error="invalid_token"');
        expect(old.body.message).toMatch(/older than this endpoint accepts \(300 s since issue/);
        // A fresh token from an old sign-in is old: auth_time wins over iat.
        const reissued = await call("/recent", { iat: now(), auth_time: now() - 3600 });
        expect(reissued.status).toBe(401);
        expect(reissued.body.message).toMatch(/since sign-in \(auth_time\)/);
        expect((await call("/recent", { iat: now() - 3600, auth_time: now() - 10 })).status).toBe(
          200,
        );
        expect((await call("/recent", { iat: now() + 3600 })).status).toBe(401);
      });

      it("maxTokenAge combines with a claim rule (options after the values) and with optional guards", async () => {
        expect((await call("/recent-staff", { groups: ["staff"], iat: now() })).status).toBe(200);
        expect((await call("/recent-staff", { groups: ["staff"], iat: now() - 900 })).status).toBe(
          401,
        );
        expect((await call("/recent-staff", { groups: ["x"], iat: now() })).status).toBe(403);
        expect((await call("/recent-maybe", { iat: now() - 900 })).body).toEqual({
          userId: null,
          authError: "invalid_token",
        });
        expect((await call("/recent-maybe", { iat: now() })).body).toEqual({
          userId: "u1",
          authError: null,
        });
      });
    });
  }
}

describe("maxTokenAge without iat or auth_time", () => {
  it("refuses a token whose age is unknown (proxy answer without either)", async () => {
    const auth = createAuth({ env: {}, proxyUrlOverride: proxy.url, logger: { warn() {} } });
    const app = await startNode(auth);
    try {
      proxy.users.set("ageless-token", userBody("u9"));
      const res = await fetch(`${app.url}/recent`, {
        headers: { authorization: "Bearer ageless-token" },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /neither auth_time nor iat/,
      );
    } finally {
      await app.close();
      await auth.close();
    }
  });
});

describe("maxTokenAge for the whole instance (createAuth option)", () => {
  let app: AppUnderTest;
  let auth: Auth;
  beforeAll(async () => {
    auth = createAuth({
      env: {},
      validator: new JwtValidator({ issuer: idp.issuer, audience: AUD, clockToleranceSeconds: 5 }),
      maxTokenAge: 600,
      logger: { warn() {} },
    });
    const server = express();
    server.use(ex.authMiddleware({ auth }));
    server.get("/public", (req, res) =>
      res.json({ userId: req.user?.id ?? null, authError: req.authError }),
    );
    server.get("/me", ex.getCurrentUser({ auth }), (req, res) =>
      res.json({ userId: req.user?.id }),
    );
    // A guard's own limit only tightens the instance's.
    server.get("/loose", ex.getCurrentUser({ auth, maxTokenAge: 3600 }), (req, res) =>
      res.json({ userId: req.user?.id }),
    );
    server.get("/strict", ex.getCurrentUser({ auth, maxTokenAge: 60 }), (req, res) =>
      res.json({ userId: req.user?.id }),
    );
    app = await listen(createServer(server));
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
  });

  const call = async (path: string, iat: number) => {
    const token = await signToken(key, { iss: idp.issuer, aud: AUD, sub: "u1", iat });
    const res = await fetch(app.url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  it("every guard and the middleware see a token older than the limit as invalid (the validator's tolerance applies)", async () => {
    expect((await call("/me", now() - 300)).status).toBe(200);
    expect((await call("/me", now() - 603)).status).toBe(200);
    expect(await call("/me", now() - 620)).toMatchObject({
      status: 401,
      body: { error: "invalid_token" },
    });
    expect((await call("/public", now() - 900)).body).toEqual({
      userId: null,
      authError: "invalid_token",
    });
    expect((await call("/loose", now() - 900)).status).toBe(401);
    expect((await call("/strict", now() - 300)).status).toBe(401);
    expect((await call("/strict", now() - 30)).status).toBe(200);
  });

  it("the same cached answer is refused once the token has grown too old", async () => {
    // Both requests carry one token: the second is a cache hit, and only its age differs.
    const token = await signToken(key, { iss: idp.issuer, aud: AUD, sub: "u1", iat: now() - 601 });
    const get = () => fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    const until = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await get()).status;
    }
    expect(status).toBe(401);
  });
});

describe("claim rules and token age are checked when declared", () => {
  it("refuses bad names, values, descriptions and ages with a ConfigurationError", () => {
    const auth = createAuth({
      env: {},
      proxyUrlOverride: "http://127.0.0.1:9",
      logger: { warn() {} },
    });
    const o = { auth };
    expect(() => ex.claimEquals("org id", "x", o)).toThrow(/claim name/);
    expect(() => ex.claimEquals('org"id', "x", o)).toThrow(/claim name/);
    expect(() => ex.claimEquals("a..b", "x", o)).toThrow(/not a valid claim path/);
    expect(() => ex.claimEquals("__proto__", "x", o)).toThrow(/not a valid claim path/);
    expect(() => ex.claimEquals("org", { id: 1 } as never, o)).toThrow(/strings, finite numbers/);
    expect(() => ex.claimIncludes("groups", o)).toThrow(/at least one value/);
    expect(() => ex.claimCheck(VERIFIED, "", o)).toThrow(/describe the rule/);
    expect(() => ex.claimCheck(VERIFIED, 'say "hi"', o)).toThrow(/describe the rule/);
    expect(() => ex.claimCheck("yes" as never, RULE, o)).toThrow(/pass a function/);
    expect(() => ex.getCurrentUser({ auth, maxTokenAge: 0 })).toThrow(/maxTokenAge must be/);
    expect(() => ex.getCurrentUser({ auth, maxTokenAge: Number.NaN })).toThrow(/maxTokenAge/);
    expect(() => createAuth({ env: {}, maxTokenAge: -1, logger: { warn() {} } })).toThrow(
      /maxTokenAge/,
    );
  });
});

describe("AUTH_MAX_TOKEN_AGE", () => {
  it("sets the instance's maxTokenAge from the environment; the option wins; bad values name the variable", async () => {
    const env = {
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUER: idp.issuer,
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_AUDIENCE: AUD,
    };
    const auth = createAuth({ env: { ...env, AUTH_MAX_TOKEN_AGE: "120" }, logger: { warn() {} } });
    const app = await startNode(auth);
    try {
      const call = async (iat: number) => {
        const token = await signToken(key, { iss: idp.issuer, aud: AUD, sub: "u1", iat });
        return (await fetch(`${app.url}/org`, { headers: { authorization: `Bearer ${token}` } }))
          .status;
      };
      // /org answers 403 for a young token without the claim, 401 for an old one.
      expect(await call(now())).toBe(403);
      expect(await call(now() - 900)).toBe(401);
    } finally {
      await app.close();
      await auth.close();
    }
    expect(
      createAuth({ env: { ...env, AUTH_MAX_TOKEN_AGE: "120" }, maxTokenAge: 30 }).maxTokenAge,
    ).toBe(30);
    expect(() => createAuth({ env: { ...env, AUTH_MAX_TOKEN_AGE: "soon" } })).toThrow(
      /AUTH_MAX_TOKEN_AGE must be a number >= 1/,
    );
  });
});
