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
