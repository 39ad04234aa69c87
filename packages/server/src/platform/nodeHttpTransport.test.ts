import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpTransport } from "../kernel/HttpTransport.js";
import { createNodeHttpTransport } from "./nodeHttpTransport.js";

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * A server that drops a connection without an answer on the request numbered `dropFrom` on it
 * (2: the client reused a keep-alive connection the server had just closed; 1: every request).
 */
async function startServer(dropFrom: number) {
  const counts = { answered: 0, dropped: 0 };
  const perConnection = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const nth = (perConnection.get(req.socket) ?? 0) + 1;
    perConnection.set(req.socket, nth);
    if (nth >= dropFrom) {
      counts.dropped += 1;
      req.socket.destroy();
      return;
    }
    counts.answered += 1;
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, counts };
}

function transport(): HttpTransport {
  const created = createNodeHttpTransport({ timeoutMs: 2000 });
  closers.push(() => created.close());
  return created;
}

/** One call, its body read (which frees the connection for the next call). */
async function call(client: HttpTransport, method: "GET" | "POST", url: string) {
  const body = method === "POST" ? "token=t" : undefined;
  const response = await client.send(method, url, {}, AbortSignal.timeout(2000), body);
  return { status: response.status, body: await response.text(1024) };
}

describe("createNodeHttpTransport on a keep-alive connection the server closed", () => {
  it("sends a GET again, once, on a new connection", async () => {
    const server = await startServer(2);
    const client = transport();
    expect(await call(client, "GET", server.url)).toEqual({ status: 200, body: '{"ok":true}' });
    expect(await call(client, "GET", server.url)).toEqual({ status: 200, body: '{"ok":true}' });
    expect(server.counts).toEqual({ answered: 2, dropped: 1 });
  });

  it("never sends a POST again (it may not be safe to repeat)", async () => {
    const server = await startServer(2);
    const client = transport();
    expect((await call(client, "POST", server.url)).status).toBe(200);
    await expect(call(client, "POST", server.url)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(server.counts).toEqual({ answered: 1, dropped: 1 });
  });

  it("does not repeat a GET whose new connection was reset (an upstream failing, not a race)", async () => {
    const server = await startServer(1);
    const client = transport();
    await expect(call(client, "GET", server.url)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(server.counts).toEqual({ answered: 0, dropped: 1 });
  });
});
