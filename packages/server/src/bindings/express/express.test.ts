import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { expect, it } from "vitest";
import { type AppUnderTest, describeBinding } from "../../../test/bindingSuite.js";
import type { Auth } from "../../core/Auth.js";
import { ConfigurationError } from "../../errors.js";
import {
  authMiddleware,
  getCurrentUser,
  getCurrentUserOptional,
  requirePermission,
} from "./index.js";

type ExpressFactory = typeof express5;

function startExpress(factory: ExpressFactory) {
  return async (auth: Auth): Promise<AppUnderTest> => {
    const app = factory();
    const options = { auth };
    app.use(authMiddleware(options));
    app.get("/public", (req, res) => {
      res.json({ userId: req.user?.id ?? null, authError: req.authError });
    });
    app.get("/me", getCurrentUser(options), (req, res) => {
      res.json({ userId: req.user?.id });
    });
    app.get("/maybe", getCurrentUserOptional(options), (req, res) => {
      res.json({ userId: req.user?.id ?? null });
    });
    app.get("/audit", requirePermission("audit", options), (req, res) => {
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

it("requirePermission throws at declaration for an invalid name", () => {
  expect(() => requirePermission("audit log")).toThrow(ConfigurationError);
  expect(() => requirePermission("../admin")).toThrow(/\[A-Za-z0-9_-\]/);
});
