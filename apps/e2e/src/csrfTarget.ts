import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuth } from "@org/auth-server";
import { authMiddleware, getCurrentUser } from "@org/auth-server/express";
import express from "express";

/** The access token the browser holds in its cookie (the victim's session). */
export const VICTIM_TOKEN = "victim-session-token.abc_DEF-123";
const COOKIE_NAME = "OxaigenPlatformAuthAccessToken";

/** A README-style Express API whose state-changing route trusts the access cookie. */
export interface CsrfTarget {
  origin: string;
  /** Transfers the API carried out (each one a successful POST /v1/transfer). */
  transfers: Array<{ by: string }>;
  /** The Cookie header of each POST /v1/transfer (to prove the browser sent the cookie). */
  cookiesSeen: string[];
  close(): Promise<void>;
}

async function listenOn(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** A stand-in for the auth proxy: get-me knows one token. */
async function startProxy(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const ok =
      req.url === "/_oxa_auth/get-me" && req.headers.authorization === `Bearer ${VICTIM_TOKEN}`;
    if (!ok) return void res.writeHead(401).end();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "victim", email: "victim@example.com", is_authenticated: true }));
  });
  return { url: `http://127.0.0.1:${await listenOn(server)}`, server };
}

/**
 * Starts the target API on 127.0.0.1: `GET /login` sets the access cookie the way a proxy does
 * (`sameSite` chosen by the test), `GET /` serves a same-origin form, `POST /v1/transfer` is
 * guarded by `getCurrentUser()`.
 * @example
 * const api = await startCsrfTarget("None");
 */
export async function startCsrfTarget(sameSite: "None" | "Lax"): Promise<CsrfTarget> {
  const proxy = await startProxy();
  const auth = createAuth({ env: {}, proxyUrlOverride: proxy.url, logger: { warn: () => {} } });
  const target: CsrfTarget = {
    origin: "",
    transfers: [],
    cookiesSeen: [],
    close: async () => {
      server.closeAllConnections();
      server.close();
      proxy.server.closeAllConnections();
      proxy.server.close();
      await auth.close();
    },
  };
  const app = express();
  app.use(authMiddleware({ auth }));
  app.get("/login", (_req, res) => {
    const flags = sameSite === "None" ? "SameSite=None; Secure" : "SameSite=Lax";
    res.setHeader("set-cookie", `${COOKIE_NAME}=${VICTIM_TOKEN}; Path=/; ${flags}`);
    res.type("html").send("<p>signed in</p>");
  });
  app.get("/", (_req, res) => {
    res.type("html").send(transferForm("/v1/transfer"));
  });
  app.post(
    "/v1/transfer",
    (req, _res, next) => {
      target.cookiesSeen.push(req.headers.cookie ?? "");
      next();
    },
    getCurrentUser({ auth }),
    (req, res) => {
      target.transfers.push({ by: req.user?.id ?? "?" });
      res.json({ transferred: 100, by: req.user?.id });
    },
  );
  const server = createServer(app);
  target.origin = `http://127.0.0.1:${await listenOn(server)}`;
  return target;
}

/** An HTML page whose form POSTs to `action` on load, as a CSRF page (or a real form) does. */
export function transferForm(action: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Transfer</title></head>
  <body>
    <form method="POST" action="${action}">
      <input type="hidden" name="amount" value="100" />
    </form>
    <script>document.forms[0].submit();</script>
  </body>
</html>
`;
}
