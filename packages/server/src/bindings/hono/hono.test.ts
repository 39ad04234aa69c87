import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { expect, it } from "vitest";
import { LOGOUT_PATH } from "../../../test/backchannelLogoutSuite.js";
import { type AppUnderTest, describeBinding } from "../../../test/bindingSuite.js";
import { listen } from "../../../test/listen.js";
import {
  expectMetadataNeedsResource,
  METADATA_PATH,
} from "../../../test/protectedResourceSuite.js";
import type { Auth } from "../../kernel/Auth.js";
import { ConfigurationError } from "../../kernel/errors.js";
import {
  type AuthEnv,
  authMiddleware,
  backchannelLogout,
  getCurrentUser,
  getCurrentUserOptional,
  protectedResourceMetadata,
  requirePermission,
} from "./index.js";

async function startHono(
  auth: Auth,
  routes: { logout?: boolean; metadata?: boolean } = {},
): Promise<AppUnderTest> {
  const app = new Hono<AuthEnv>();
  const options = { auth };
  if (routes.logout) app.post(LOGOUT_PATH, backchannelLogout(options));
  if (routes.metadata) app.get(METADATA_PATH, protectedResourceMetadata(options));
  app.use("*", authMiddleware(options));
  app.all("/public", (c) =>
    c.json({ userId: c.get("user")?.id ?? null, authError: c.get("authError") }),
  );
  // Behind a guard the user is a User, not User | null (typecheck fails otherwise).
  app.all("/me", getCurrentUser(options), (c) => c.json({ userId: c.get("user").id }));
  app.all("/maybe", getCurrentUserOptional(options), (c) =>
    c.json({ userId: c.get("user")?.id ?? null }),
  );
  app.all("/audit", requirePermission("audit", options), (c) =>
    c.json({ userId: c.get("user").id }),
  );
  return listen(createServer(getRequestListener(app.fetch)));
}

describeBinding("Hono", startHono);

it("requirePermission throws at declaration for an invalid name", () => {
  // @ts-expect-error empty: a literal invalid name does not compile either
  expect(() => requirePermission("")).toThrow(ConfigurationError);
});

it("protectedResourceMetadata throws at declaration without a resource", () => {
  expectMetadataNeedsResource((auth) => protectedResourceMetadata({ auth }));
});
