// Any web page can make a browser GET the authorize endpoint: unredeemed codes must not push live
// sessions out of the shared store. Real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorize,
  codeFlow,
  getMe,
  oidcRefresh,
  proxySignIn,
  REDIRECT,
  redeem,
} from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

let server: MockServer;

beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());

/** `count` authorization requests nobody redeems, `parallel` at a time. */
async function flood(count: number, parallel = 8) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "mock-client",
    redirect_uri: REDIRECT,
    scope: "openid",
  });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const res = await fetch(`${server.url}/oidc/authorize?${query}`, { redirect: "manual" });
      await res.body?.cancel();
      expect(res.status).toBe(302);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

describe("unredeemed authorization requests cannot evict sessions", () => {
  it("10,050 authorize GETs leave the developer's sessions (proxy and OpenID) signed in", async () => {
    const proxy = await proxySignIn(server);
    const { tokens } = await codeFlow(server);
    const pending = await authorize(server);
    await flood(10_050);
    expect(await getMe(server, proxy.access)).toBe(200);
    expect(await getMe(server, tokens.access_token)).toBe(200);
    expect((await oidcRefresh(server, tokens.refresh_token as string)).status).toBe(200);
    // Pending codes are bounded on their own: the oldest unredeemed one was dropped.
    expect((await redeem(server, pending.code, pending.verifier)).status).toBe(400);
  }, 180_000);
});
