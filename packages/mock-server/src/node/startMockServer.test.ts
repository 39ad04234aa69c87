import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClock, type HarnessFactory } from "../../test/harness.js";
import { scenarios } from "../../test/scenarios.js";
import { startMockServer } from "./startMockServer.js";

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

const overHttp: HarnessFactory = async (options) => {
  const clock = createClock();
  const server = await startMockServer({ ...options, now: clock.now });
  return {
    harness: {
      baseUrl: server.url,
      mock: server.mock,
      clock,
      fetch: (path, init) => fetch(server.url + path, { redirect: "manual", ...init }),
    },
    dispose: () => server.close(),
  };
};

describe("startMockServer over real HTTP", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { harness, dispose } = await overHttp(scenario.options ?? {});
      disposers.push(dispose);
      await scenario.run(harness);
    });
  }

  it("binds 127.0.0.1 on a free port and stops cleanly", async () => {
    const server = await startMockServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    await server.close();
    await expect(fetch(`${server.url}/_oxa_auth/get-me`)).rejects.toThrow();
  });

  it("signs with the key file it is given, and names the setting when the file is bad", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mock-key-"));
    try {
      const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
        "sign",
      ]);
      const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as { x: string };
      const file = join(dir, "key.json");
      await writeFile(file, JSON.stringify(jwk));
      const server = await startMockServer({ signingKeyFile: file });
      disposers.push(() => server.close());
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: { x: string }[];
      };
      expect(jwks.keys[0]?.x).toBe(jwk.x);
      await writeFile(file, "not json");
      await expect(startMockServer({ signingKeyFile: file })).rejects.toThrow(
        /OXAIGEN_AUTH_MOCK_SIGNING_KEY_FILE/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a busy port with a fix", async () => {
    const first = await startMockServer();
    disposers.push(() => first.close());
    await expect(startMockServer({ port: first.port })).rejects.toThrow(
      /in use.*OXAIGEN_AUTH_MOCK_PORT/,
    );
  });

  it("keeps request paths on this server (no absolute-form or // tricks)", async () => {
    const server = await startMockServer();
    disposers.push(() => server.close());
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: server.port, path: "//evil.example/_oxa_auth/get-me" },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});

describe("DNS rebinding", () => {
  const get = (port: number, host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, path: "/_oxa_auth/mock/state", headers: { host } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });

  it("answers loopback host names and the public URL's host, refuses any other Host", async () => {
    const server = await startMockServer();
    disposers.push(() => server.close());
    const p = server.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `app.localhost:${p}`, `[::1]:${p}`]) {
      expect(await get(p, host), host).toBe(200);
    }
    for (const host of [
      `evil.example:${p}`,
      `127.0.0.1.evil.example:${p}`,
      "a b",
      `localhost.:${p}`,
    ]) {
      expect(await get(p, host), host).toBe(403);
    }
    const proxied = await startMockServer({ baseUrl: "https://auth.dev.example" });
    disposers.push(() => proxied.close());
    expect(await get(proxied.port, "auth.dev.example")).toBe(200);
    expect(await get(proxied.port, "other.dev.example")).toBe(403);
  });
});
