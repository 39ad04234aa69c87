import Fastify from "fastify";
import { expect, it } from "vitest";
import { LOGOUT_PATH } from "../../../test/backchannelLogoutSuite.js";
import { type AppUnderTest, describeBinding } from "../../../test/bindingSuite.js";
import { fakeValidator, makeUser } from "../../../test/fakeValidator.js";
import {
  expectMetadataNeedsResource,
  METADATA_PATH,
} from "../../../test/protectedResourceSuite.js";
import { createAuth } from "../../config/createAuth.js";
import type { Auth } from "../../kernel/Auth.js";
import { ConfigurationError } from "../../kernel/errors.js";
import { MAX_LOGOUT_BODY_BYTES } from "../../logout/handleBackchannelLogout.js";
import {
  authPlugin,
  backchannelLogout,
  getCurrentUser,
  getCurrentUserOptional,
  protectedResourceMetadata,
  requirePermission,
} from "./index.js";

async function startFastify(
  auth: Auth,
  routes: { logout?: boolean; metadata?: boolean } = {},
): Promise<AppUnderTest> {
  const app = Fastify();
  const options = { auth };
  if (routes.metadata) app.get(METADATA_PATH, protectedResourceMetadata(options));
  if (routes.logout) {
    const logout = backchannelLogout(options);
    await app.register(async (scope) => {
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string", bodyLimit: MAX_LOGOUT_BODY_BYTES },
        (_request, body, done) => done(null, body),
      );
      scope.post(LOGOUT_PATH, logout);
    });
  }
  await app.register(authPlugin, options);
  app.all("/public", async (request) => ({
    userId: request.user?.id ?? null,
    authError: request.authError,
  }));
  app.all("/me", { preHandler: getCurrentUser(options) }, async (request) => ({
    userId: request.user?.id,
  }));
  app.all("/maybe", { preHandler: getCurrentUserOptional(options) }, async (request) => ({
    userId: request.user?.id ?? null,
  }));
  app.all("/audit", { preHandler: requirePermission("audit", options) }, async (request) => ({
    userId: request.user?.id,
  }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}

describeBinding("Fastify", startFastify);

it("the plugin skips encapsulation: routes registered in a sibling scope see request.user", async () => {
  const auth = createAuth({
    env: {},
    validator: {
      name: "static",
      verify: async () => ({
        user: makeUser("u1"),
      }),
      hasPermission: async () => true,
    },
  });
  const app = Fastify();
  await app.register(authPlugin, { auth });
  await app.register(async (scope) => {
    scope.get("/inner", async (request) => ({ userId: request.user?.id ?? null }));
  });
  const res = await app.inject({ url: "/inner", headers: { authorization: "Bearer t" } });
  expect(res.json()).toEqual({ userId: "u1" });
  await app.close();
});

it("requirePermission throws at declaration for an invalid name", () => {
  // @ts-expect-error CR LF: a literal invalid name does not compile either
  expect(() => requirePermission("audit\r\nx")).toThrow(ConfigurationError);
});

it("validateEveryRequest: false only decorates; public routes make no upstream call", async () => {
  const validator = fakeValidator({ t: makeUser("u2") });
  const auth = createAuth({ env: {}, validator });
  const app = Fastify();
  await app.register(authPlugin, { auth, validateEveryRequest: false });
  app.get("/public", async (request) => ({ userId: request.user?.id ?? null }));
  app.get("/me", { preHandler: getCurrentUser({ auth }) }, async (request) => ({
    userId: request.user?.id,
  }));
  const headers = { authorization: "Bearer t" };
  expect((await app.inject({ url: "/public", headers })).json()).toEqual({ userId: null });
  expect(validator.verifyCalls).toBe(0);
  expect((await app.inject({ url: "/me", headers })).json()).toEqual({ userId: "u2" });
  expect(validator.verifyCalls).toBe(1);
  await app.close();
});

it("protectedResourceMetadata throws at declaration without a resource", () => {
  expectMetadataNeedsResource((auth) => protectedResourceMetadata({ auth }));
});
