import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { type AuthOptions, createAuth } from "../src/index.js";
import { listen } from "./listen.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

const TOKEN = "SECRET-token.abc_DEF-123";

/** A port with nothing listening on it (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/** A README-style Express app on the given options; returns the 502 log lines of one request. */
async function logOf(
  options: AuthOptions,
  path = "/v1/me",
  headers: Record<string, string> = {},
): Promise<{ status: number; lines: string[] }> {
  const lines: string[] = [];
  const auth = createAuth({
    env: {},
    proxyTimeoutSeconds: 2,
    ...options,
    logger: { warn: () => {}, error: (m) => lines.push(m) },
  });
  const app = express();
  app.use(ex.authMiddleware({ auth }));
  app.get("/v1/me", ex.getCurrentUser({ auth }), (req, res) => res.json({ id: req.user?.id }));
  app.get("/v1/audit", ex.requirePermission("audit", { auth }), (_req, res) => res.json({}));
  const server = await listen(createServer(app));
  try {
    const res = await fetch(server.url + path, {
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    });
    await res.arrayBuffer();
    return { status: res.status, lines };
  } finally {
    await server.close();
    await auth.close();
  }
}

describe("every upstream-failure log line names the URL called and the setting that chose it", () => {
  let proxy: StandInProxy;
  let down: number;

  beforeAll(async () => {
    proxy = await startStandInProxy({ [TOKEN]: userBody("u1") });
    down = await closedPort();
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    proxy.mode = "normal";
  });

  const expectNoToken = (lines: string[]) => {
    for (const line of lines) expect(line).not.toContain("SECRET");
  };

  it("derived from the Host with the default https scheme against a plain-HTTP mock (dev mode forgotten)", async () => {
    const host = new URL(proxy.url).host;
    const { status, lines } = await logOf({ allowedHosts: [host] }, "/v1/me", {
      "x-forwarded-host": host,
    });
    expect(status).toBe(502);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`https://${host}/_oxa_auth/get-me`);
    expect(lines[0]).toMatch(/X-Forwarded-Host/);
    expect(lines[0]).toContain("OXAIGEN_AUTH_PROXY_SCHEME");
    expect(lines[0]).toContain("OXAIGEN_AUTH_DEV_MODE");
    expectNoToken(lines);
  });

  it("dev mode: names the dev proxy URL and its variable, not the override", async () => {
    const devProxyUrl = `http://127.0.0.1:${down}`;
    const { status, lines } = await logOf({ devMode: true, devProxyUrl });
    expect(status).toBe(502);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${devProxyUrl}/_oxa_auth/get-me`);
    expect(lines[0]).toContain("OXAIGEN_AUTH_DEV_PROXY_URL");
    expect(lines[0]).not.toContain("OXAIGEN_AUTH_PROXY_URL_OVERRIDE");
    expect(lines[0]).toMatch(/ECONNREFUSED/);
    expectNoToken(lines);
  });

  it("override: names the override URL and OXAIGEN_AUTH_PROXY_URL_OVERRIDE", async () => {
    const { status, lines } = await logOf({ proxyUrlOverride: `http://127.0.0.1:${down}/auth` });
    expect(status).toBe(502);
    expect(lines[0]).toContain(`http://127.0.0.1:${down}/auth/_oxa_auth/get-me`);
    expect(lines[0]).toContain("OXAIGEN_AUTH_PROXY_URL_OVERRIDE");
    expectNoToken(lines);
  });

  it("a failing permission check names the permission URL", async () => {
    proxy.mode = "permission500";
    const { status, lines } = await logOf({ proxyUrlOverride: proxy.url }, "/v1/audit");
    expect(status).toBe(502);
    expect(lines[0]).toContain(`${proxy.url}/_oxa_auth/test-app-permission/audit`);
    expect(lines[0]).toContain("HTTP 500");
    expect(lines[0]).toContain("OXAIGEN_AUTH_PROXY_URL_OVERRIDE");
    expectNoToken(lines);
  });
});
