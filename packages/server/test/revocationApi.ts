import { createServer } from "node:http";
import express from "express";
import {
  backchannelLogout,
  getCurrentUser,
  requirePermission,
} from "../src/bindings/express/index.js";
import { type AuthOptions, createAuth } from "../src/index.js";
import type { Auth } from "../src/kernel/Auth.js";
import { listen } from "./listen.js";

// The Express API the revocation tests attack over real HTTP, and how they call it.

const silent = { warn() {}, error() {} };

/** A started API: its URL, its Auth (to revoke through) and how to stop both. */
export interface Api {
  url: string;
  auth: Auth;
  close(): Promise<void>;
}

/** An Express API: /me (getCurrentUser), /admin (requirePermission("admin")), logout route. */
export async function startApi(options: AuthOptions): Promise<Api> {
  const auth = createAuth({ logger: silent, ...options });
  await auth.ready();
  const app = express();
  app.get("/me", getCurrentUser({ auth }), (req, res) => {
    res.json({ id: req.user?.id });
  });
  app.get("/admin", requirePermission("admin", { auth }), (_req, res) => {
    res.json({ ok: true });
  });
  if (options.backchannelLogout !== undefined) {
    app.post("/logout", backchannelLogout({ auth }));
  }
  const server = await listen(createServer(app));
  return {
    url: server.url,
    auth,
    close: async () => {
      await server.close();
      await auth.close();
    },
  };
}

/** The status of a GET with the token as Bearer. */
export async function call(api: Api, path: string, token: string): Promise<number> {
  const response = await fetch(`${api.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** The status of a back-channel logout POST carrying `logoutToken`. */
export async function postLogout(api: Api, logoutToken: string): Promise<number> {
  const response = await fetch(`${api.url}/logout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: logoutToken }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Polls `check` until it holds or `ms` pass (events cross Redis asynchronously). */
export async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}
