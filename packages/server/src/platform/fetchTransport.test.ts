import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../kernel/errors.js";
import { TooLarge } from "../kernel/HttpTransport.js";
import { createFetchTransport } from "./fetchTransport.js";
import { nodePlatform } from "./nodePlatform.js";
import { webPlatform } from "./webPlatform.js";

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    if (req.url === "/big") return void res.end("x".repeat(10_000));
    if (req.url === "/denied") return void res.writeHead(403).end("nope");
    res.writeHead(200, { "content-type": "application/json" }).end('{"email":"é@example.com"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the fetch transport (Bun, Deno, workerd, edge)", () => {
  const transport = createFetchTransport({ timeoutMs: 2_000 }, "Bun");
  const send = (path: string, method: "GET" | "POST" = "GET") =>
    transport.send(method, base + path, { authorization: "Bearer t" }, AbortSignal.timeout(2_000));

  it("sends the method and headers and reads the body as UTF-8", async () => {
    const response = await send("/me");
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text(1_000))).toEqual({ email: "é@example.com" });
    expect(seen.at(-1)).toBe("GET /me Bearer t");
  });

  it("answers a non-200 status without needing the body (no undici body.dump)", async () => {
    const response = await send("/denied", "POST");
    expect(response.status).toBe(403);
    await response.discard();
  });

  it("stops reading past the size limit", async () => {
    const response = await send("/big");
    await expect(response.text(1_000)).rejects.toBeInstanceOf(TooLarge);
  });

  it("refuses the Node-only dispatcher option at construction, naming the runtime", () => {
    expect(() => createFetchTransport({ timeoutMs: 1, dispatcher: {} }, "Bun")).toThrow(
      ConfigurationError,
    );
    expect(() => createFetchTransport({ timeoutMs: 1, dispatcher: {} }, "Bun")).toThrow(/Bun/);
  });
});

describe("webPlatform", () => {
  it("gives the same cache keys as Node's crypto.hash", () => {
    for (const input of ["", "mock-dev-token", "é€😀".repeat(100), "a".repeat(100_000)]) {
      expect(webPlatform.sha256Key(input)).toBe(nodePlatform.sha256Key(input));
      expect(webPlatform.sha256Hex(input)).toBe(nodePlatform.sha256Hex(input));
    }
  });
});
