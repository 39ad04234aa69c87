import { once } from "node:events";
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGOUT_PATH } from "../../../test/backchannelLogoutSuite.js";
import { type AppUnderTest, describeBinding } from "../../../test/bindingSuite.js";
import { jwtModeEnv, makeKey, signLogoutToken, startFakeIdp } from "../../../test/jwtFixtures.js";
import {
  expectMetadataNeedsResource,
  METADATA_PATH,
} from "../../../test/protectedResourceSuite.js";
import { type StandInProxy, startStandInProxy, userBody } from "../../../test/standInProxy.js";
import { createAuth } from "../../config/createAuth.js";
import type { Auth } from "../../kernel/Auth.js";
import { ConfigurationError } from "../../kernel/errors.js";
import {
  type AuthRequest,
  authMiddleware,
  backchannelLogout,
  getCurrentUser,
  getCurrentUserOptional,
  protectedResourceMetadata,
  requirePermission,
} from "./index.js";

const ALICE = "alice-token.abc_DEF-123";
const silentLogger = () => ({ warn: () => {}, error: () => {} });

type ExpressFactory = typeof express5;

function startExpress(factory: ExpressFactory) {
  return async (
    auth: Auth,
    routes: { logout?: boolean; metadata?: boolean } = {},
  ): Promise<AppUnderTest> => {
    const app = factory();
    const options = { auth };
    if (routes.logout) app.post(LOGOUT_PATH, backchannelLogout(options));
    if (routes.metadata) app.get(METADATA_PATH, protectedResourceMetadata(options));
    app.use(authMiddleware(options));
    app.all("/public", (req, res) => {
      res.json({ userId: req.user?.id ?? null, authError: req.authError });
    });
    app.all("/me", getCurrentUser(options), (req, res) => {
      res.json({ userId: req.user?.id });
    });
    app.all("/maybe", getCurrentUserOptional(options), (req, res) => {
      res.json({ userId: req.user?.id ?? null });
    });
    app.all("/audit", requirePermission("audit", options), (req, res) => {
      res.json({ userId: req.user?.id });
    });
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        server.close();
      },
    };
  };
}

describeBinding("Express 5", startExpress(express5));
describeBinding("Express 4", startExpress(express4 as unknown as ExpressFactory));

it("protectedResourceMetadata throws at declaration without a resource", () => {
  expectMetadataNeedsResource((auth) => protectedResourceMetadata({ auth }));
});

it("requirePermission throws at declaration for an invalid name", () => {
  // @ts-expect-error a space: a literal invalid name does not compile either
  expect(() => requirePermission("audit log")).toThrow(ConfigurationError);
  // @ts-expect-error a dot segment
  expect(() => requirePermission("..")).toThrow(/visible ASCII characters without spaces/);
});

describe("guard-only routes (no middleware)", () => {
  let proxy: StandInProxy;
  let auth: Auth;
  let url: string;
  let server: Server;

  beforeAll(async () => {
    proxy = await startStandInProxy({ [ALICE]: userBody("alice", ["read"]) });
    auth = createAuth({ env: {}, proxyUrlOverride: proxy.url, logger: silentLogger() });
    const app = express5();
    const echo = (req: AuthRequest, res: ServerResponse) => {
      res.setHeader("content-type", "application/json");
      const authError = req.authError === undefined ? "unset" : req.authError;
      res.end(JSON.stringify({ userId: req.user?.id ?? null, authError }));
    };
    app.get("/me", getCurrentUser({ auth }), echo);
    app.get("/maybe", getCurrentUserOptional({ auth }), echo);
    // A stale error from earlier in the chain must not survive a guard that lets the user in.
    const stale = (req: AuthRequest, _res: ServerResponse, next: () => void) => {
      req.authError = "invalid_token";
      next();
    };
    app.get("/stale", stale, getCurrentUser({ auth }), echo);
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await auth.close();
    await proxy.close();
  });

  const get = async (path: string, token?: string) =>
    (
      await fetch(url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    ).json();

  it("getCurrentUser sets req.user and leaves req.authError alone when there is no error", async () => {
    expect(await get("/me", ALICE)).toEqual({ userId: "alice", authError: "unset" });
  });

  it("getCurrentUserOptional records why the user is null", async () => {
    expect(await get("/maybe", "not-a-known-token")).toEqual({
      userId: null,
      authError: "invalid_token",
    });
    expect(await get("/maybe")).toEqual({ userId: null, authError: "unset" });
  });

  it("a guard that lets the user in clears a stale req.authError", async () => {
    expect(await get("/stale", ALICE)).toEqual({ userId: "alice", authError: null });
  });
});

describe.each([
  ["Express 5", express5],
  ["Express 4", express4 as unknown as ExpressFactory],
])("%s: backchannelLogout() behind a body parser", (_name, factory) => {
  it("answers from the form express.urlencoded() already read", async () => {
    const key = await makeKey("ES256", "k1");
    const idp = await startFakeIdp([key]);
    const auth = createAuth({
      env: jwtModeEnv(idp, { AUTH_AUDIENCE: "orders-api" }),
      backchannelLogout: { audience: "orders-web" },
      logger: silentLogger(),
    });
    const app = factory();
    app.use(factory.urlencoded({ extended: false }));
    app.post("/logout", backchannelLogout({ auth }));
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const token = await signLogoutToken(key, idp.issuer, "orders-web", { sid: "s-1" });
    const post = () =>
      fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/logout`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `logout_token=${token}`,
      }).then((res) => res.status);
    try {
      expect(await post()).toBe(200);
      expect(await post()).toBe(400); // the replay: the parsed form carried the same token
    } finally {
      server.closeAllConnections();
      server.close();
      await auth.close();
      await idp.close();
    }
  });
});
