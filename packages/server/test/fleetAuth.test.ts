import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { REDIS_CONNECT_WAIT_MS } from "../src/config/connectRedis.js";
import { createAuth } from "../src/config/createAuth.js";
import { authenticateUpgrade, rejectUpgrade, selectWsProtocol } from "../src/index.js";
import type { Auth } from "../src/kernel/Auth.js";
import { sharedCount, untilShared } from "./sharedEntries.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

/** A JWT-shaped token (the stand-in proxy vouches for it; its payload names sub, sid, exp). */
function jwtShaped(sub: string, sid: string, expSeconds: number, tag: string): string {
  const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000) - 5;
  return `${enc({ alg: "ES256" })}.${enc({ sub, sid, iat, exp: expSeconds, tag })}.c2ln`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = { warn: () => {}, error: () => {} };

describe("createAuth({ redis }) on a real Redis: two instances in one process", () => {
  let redis: RedisUnderTest;
  let proxy: StandInProxy;
  let a: Auth;
  let b: Auth;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const ALICE = jwtShaped("alice", "sid-a", exp, "1");
  const ALICE2 = jwtShaped("alice", "sid-a2", exp, "2");
  const BOB = jwtShaped("bob", "sid-b", exp, "3");
  const SHORT = jwtShaped("carol", "sid-c", Math.floor(Date.now() / 1000) + 2, "4");
  const LATE = jwtShaped("dave", "sid-d", exp, "5");
  const ERIN = jwtShaped("erin", "sid-e", exp, "6");
  const FRANK = jwtShaped("frank", "sid-f", exp, "7");

  const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startStandInProxy({
      [ALICE]: userBody("alice", ["read"]),
      [ALICE2]: userBody("alice", ["read"]),
      [BOB]: userBody("bob", ["read"]),
      [SHORT]: userBody("carol"),
      [LATE]: userBody("dave"),
      [ERIN]: userBody("erin"),
      [FRANK]: userBody("frank"),
    });
    const options = { env: {}, proxyUrlOverride: proxy.url, logger: silent };
    a = createAuth({ ...options, redis: { url: redis.url, prefix: "fa:" } });
    b = createAuth({ ...options, env: { AUTH_REDIS_URL: redis.url, AUTH_REDIS_PREFIX: "fa:" } });
    // ready() resolves once both connections of each instance are up: no sleep needed.
    await Promise.all([a.ready(), b.ready()]);
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await proxy.close();
    await redis.close();
  });

  it("an instance created after a revocation refuses the token from its first request once ready()", async () => {
    await a.revoke({ sid: "sid-d" });
    const late = createAuth({
      env: {},
      proxyUrlOverride: proxy.url,
      logger: silent,
      redis: { url: redis.url, prefix: "fa:" },
    });
    try {
      await late.ready();
      // The upstream still vouches for the token: only the marker in Redis can refuse it.
      await expect(late.getCurrentUser(req(LATE))).rejects.toMatchObject({ status: 401 });
    } finally {
      await late.close();
    }
  });

  it("ready() gives up on an unreachable Redis after its bound; unchecked tokens get 503 unless AUTH_REDIS_FAIL_OPEN", async () => {
    const lonely = createAuth({
      env: {},
      proxyUrlOverride: proxy.url,
      logger: silent,
      redis: { url: "redis://127.0.0.1:1", prefix: "fa:" },
    });
    const open = createAuth({
      env: { AUTH_REDIS_FAIL_OPEN: "true" },
      proxyUrlOverride: proxy.url,
      logger: silent,
      redis: { url: "redis://127.0.0.1:1", prefix: "fa:" },
    });
    try {
      const started = Date.now();
      await Promise.all([lonely.ready(), open.ready()]);
      expect(Date.now() - started).toBeLessThan(REDIS_CONNECT_WAIT_MS + 1500);
      // Nobody can say whether BOB is revoked: refused, retryable, never cached.
      const refused = await lonely.getCurrentUser(req(BOB)).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 503, code: "revocation_unavailable" });
      expect((refused as { headers: Record<string, string> }).headers["Retry-After"]).toBe("1");
      // Opted in: accepted unchecked.
      expect((await open.getCurrentUser(req(BOB))).id).toBe("bob");
    } finally {
      await lonely.close();
      await open.close();
    }
  });

  it("a token validated by one instance is served by the other without an upstream call", async () => {
    const before = proxy.calls.getMe;
    const shared = await sharedCount(redis.url, "fa:");
    expect((await a.getCurrentUser(req(BOB))).id).toBe("bob");
    await untilShared(redis.url, "fa:", shared + 1);
    expect((await b.getCurrentUser(req(BOB))).id).toBe("bob");
    expect(proxy.calls.getMe - before).toBe(1);
  });

  it("revoking a session on one instance refuses its cached token on the other at once", async () => {
    expect((await b.getCurrentUser(req(ALICE))).id).toBe("alice");
    expect((await b.getCurrentUser(req(ALICE2))).id).toBe("alice");
    await a.revoke({ sid: "sid-a" });
    const deadline = Date.now() + 1000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await b.getCurrentUser(req(ALICE)).then(
        () => false,
        () => true,
      );
      if (!refused) await sleep(10);
    }
    expect(refused).toBe(true);
    await expect(a.getCurrentUser(req(ALICE))).rejects.toMatchObject({ status: 401 });
    // The user's other session is untouched.
    expect((await b.getCurrentUser(req(ALICE2))).id).toBe("alice");
  });

  it("auth.revoke without Redis refuses the token in that instance", async () => {
    const alone = createAuth({ env: {}, proxyUrlOverride: proxy.url, logger: silent });
    expect((await alone.getCurrentUser(req(BOB))).id).toBe("bob");
    await alone.revoke({ token: BOB });
    await expect(alone.getCurrentUser(req(BOB))).rejects.toMatchObject({ status: 401 });
    await alone.close();
  });

  it("closes a watched WebSocket with 4003 when its session is revoked elsewhere, 4001 when it expires", async () => {
    const wss = new WebSocketServer({ noServer: true, handleProtocols: selectWsProtocol });
    const server = createServer();
    server.on("upgrade", async (request, socket, head) => {
      try {
        const result = await authenticateUpgrade(request, { auth: b });
        wss.handleUpgrade(request, socket, head, (ws) => result.watch(ws));
      } catch (error) {
        rejectUpgrade(socket, error);
      }
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const closeOf = (token: string) =>
      new Promise<{ code: number; at: number }>((resolve, reject) => {
        const ws = new WebSocket(url, ["oxa-auth", `oxa-auth.bearer.${token}`]);
        ws.on("close", (code) => resolve({ code, at: Date.now() }));
        ws.on("error", reject);
        ws.on("open", () => opened.push(ws));
      });
    const opened: WebSocket[] = [];
    const revoked = closeOf(ALICE2);
    const expired = closeOf(SHORT);
    while (opened.length < 2) await sleep(10);
    const revokedAt = Date.now();
    await a.revoke({ sub: "alice" });
    const r = await revoked;
    expect(r.code).toBe(4003);
    // Well before the token's own expiry (an hour): the revocation event closed it, not time.
    expect(r.at - revokedAt).toBeLessThan(5000);
    expect((await expired).code).toBe(4001);
    server.close();
  });

  it("watches Web-style sockets too (Deno's WebSocket: addEventListener), and hands back its stop for sockets with neither (Bun's)", async () => {
    /** A Web WebSocket's close surface: close() fires "close" on the event target. */
    class WebStyleSocket extends EventTarget {
      codes: number[] = [];
      close(code: number): void {
        this.codes.push(code);
        this.dispatchEvent(new Event("close"));
      }
    }
    const upgrade = (token: string) =>
      authenticateUpgrade(
        new Request("http://127.0.0.1/ws", {
          headers: { "sec-websocket-protocol": `oxa-auth, oxa-auth.bearer.${token}` },
        }),
        { auth: b },
      );
    const web = await upgrade(ERIN);
    expect([web.user.id, web.protocol]).toEqual(["erin", "oxa-auth"]);
    const webSocket = new WebStyleSocket();
    web.watch(webSocket);
    const bare = await upgrade(FRANK);
    const bareCodes: number[] = [];
    const stop = bare.watch({ close: (code) => bareCodes.push(code) });
    stop(); // what Bun's websocket.close handler does: this socket is gone, stop watching it

    await a.revoke({ sub: "erin" });
    await a.revoke({ sub: "frank" });
    const deadline = Date.now() + 1000;
    while (webSocket.codes.length === 0 && Date.now() < deadline) await sleep(10);
    expect(webSocket.codes).toEqual([4003]);
    expect(bareCodes).toEqual([]);
  });
});
