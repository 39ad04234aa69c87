import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeTransport } from "./nodeTransport.js";

let url: string;
const seen: Array<string | undefined> = [];
const server = createServer((req, res) => {
  // node:http writes `Host`, undici `host`: which client sent the request.
  seen.push(req.rawHeaders.find((name) => name.toLowerCase() === "host"));
  res.writeHead(200, { "content-type": "application/json" }).end('{"id":"u1"}');
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => server.close());

async function get(transport: ReturnType<typeof createNodeTransport>) {
  const response = await transport.send("GET", url, {}, AbortSignal.timeout(2000));
  return { status: response.status, body: await response.text(1024) };
}

describe("createNodeTransport", () => {
  it("answers the first call through node:http, then switches to undici's pool once loaded", async () => {
    seen.length = 0;
    const transport = createNodeTransport({ timeoutMs: 2000 });
    expect(await get(transport)).toEqual({ status: 200, body: '{"id":"u1"}' });
    expect(seen[0]).toBe("Host");
    const deadline = Date.now() + 5000;
    while (seen.at(-1) === "Host") {
      if (Date.now() > deadline) throw new Error("still on node:http after 5 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await get(transport)).toEqual({ status: 200, body: '{"id":"u1"}' });
    }
    expect(seen.at(-1)).toBe("host");
    await transport.close();
  });

  it("closes cleanly before, during and after the switch", async () => {
    const early = createNodeTransport({ timeoutMs: 2000 });
    await early.close();
    const during = createNodeTransport({ timeoutMs: 2000 });
    await get(during);
    await during.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(during.close()).resolves.toBeUndefined();
  });
});
