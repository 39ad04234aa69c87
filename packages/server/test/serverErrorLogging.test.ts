import { createServer } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as no from "../src/bindings/node/index.js";
import { createAuth } from "../src/config/createAuth.js";
import { ConfigurationError, InvalidTokenError, UpstreamError } from "../src/kernel/errors.js";
import { reportServerError } from "../src/kernel/reportServerError.js";
import { createAdapterValidator } from "../src/validators/adapters/createAdapterValidator.js";
import { listen } from "./listen.js";

const TOKEN = `eyJhbGciOiJSUzI1NiJ9.${"a".repeat(40)}.${"b".repeat(40)}`;

/** An Auth whose adapter fails with a cause that (carelessly) quotes the token. */
function failingAuth(lines: string[]) {
  const validator = createAdapterValidator("flaky", {
    validateToken: async (token) => {
      throw new Error(`connect ECONNREFUSED 10.0.0.7:8443 while checking ${token}`);
    },
  });
  return createAuth({
    env: {},
    validator,
    logger: { warn: () => {}, error: (m) => lines.push(m) },
  });
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("5xx detail in the logs", () => {
  it("an Express app answering 502 logs why, once per request, without the token", async () => {
    const lines: string[] = [];
    const auth = failingAuth(lines);
    const app = express();
    app.use(ex.authMiddleware({ auth }));
    app.get("/me", ex.getCurrentUser({ auth }), (req, res) => res.json(req.user));
    const server = await listen(createServer(app));
    close = server.close;
    const res = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(502);
    const body = await res.text();
    expect(body).not.toContain("ECONNREFUSED");
    // Middleware and guard saw the same failure: one line.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('502 upstream_error: The "flaky" auth adapter failed');
    expect(lines[0]).toContain("ECONNREFUSED 10.0.0.7:8443");
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain("a".repeat(40));
  });

  it("a misconfigured requireBinding logs how to fix it (node checker)", async () => {
    const lines: string[] = [];
    const auth = createAuth({
      env: {},
      validator: createAdapterValidator("ok", { validateToken: async () => ({ userId: "u" }) }),
      logger: { warn: (m) => lines.push(m) },
    });
    const check = no.requireBinding({ appId: true }, { auth });
    const request = new Request("http://api.test/", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await expect(check(request)).rejects.toBeInstanceOf(ConfigurationError);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/500 configuration_error: .*Mount requireBinding on the route/);
    expect(lines[0]).not.toContain(TOKEN);
  });

  it("logs only 5xx errors, each error object once, through error() else warn()", () => {
    const warned: string[] = [];
    const logger = { warn: (m: string) => warned.push(m) };
    const error = new UpstreamError("JWKS at https://idp.test/certs answered 503.");
    reportServerError(logger, error);
    reportServerError(logger, error);
    reportServerError(logger, new InvalidTokenError());
    reportServerError(logger, new Error("not an AuthError"));
    expect(warned).toEqual([
      "@org/auth-server: answered 502 upstream_error: JWKS at https://idp.test/certs answered 503.",
    ]);
  });
});
