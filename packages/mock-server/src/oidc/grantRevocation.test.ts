// The proxy API's get-me and permission checks honour the OpenID provider's revocations, over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  codeFlow,
  getMe,
  oidcRefresh,
  permission,
  postForm,
  redeem,
  type Tokens,
} from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

let server: MockServer;
let t = Date.now();

beforeAll(async () => {
  server = await startMockServer({ now: () => t });
});
afterAll(() => server.close());
beforeEach(() => {
  t = Date.now();
  server.reset();
});

/** Every proxy-API and OpenID check of an access token: statuses, and introspection's answer. */
async function checks(token: string) {
  const info = await fetch(`${server.url}/oidc/userinfo`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const intro = await postForm(server, "/oidc/introspect", { token });
  return {
    getMe: await getMe(server, token),
    permission: await permission(server, token),
    userinfo: info.status,
    active: ((await intro.json()) as { active: boolean }).active,
  };
}

const LIVE = { getMe: 200, permission: 200, userinfo: 200, active: true };
const DEAD = { getMe: 401, permission: 401, userinfo: 401, active: false };

describe("get-me and permission checks honour the OpenID provider's revocations", () => {
  it("a replayed authorization code revokes what it issued, on get-me too", async () => {
    const { tokens, code, verifier } = await codeFlow(server);
    expect(await checks(tokens.access_token)).toEqual(LIVE);
    expect((await redeem(server, code, verifier)).status).toBe(400);
    expect(await checks(tokens.access_token)).toEqual(DEAD);
  });

  it("refresh-token reuse after the reuse interval ends the grant, on get-me too", async () => {
    const { tokens } = await codeFlow(server);
    const first = await oidcRefresh(server, tokens.refresh_token as string);
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as Tokens;
    t += server.getState().refreshReuseInterval * 1000;
    expect((await oidcRefresh(server, tokens.refresh_token as string)).status).toBe(400);
    for (const token of [tokens.access_token, rotated.access_token]) {
      expect(await checks(token)).toEqual(DEAD);
    }
  });

  it("RFC 7009: a revoked access token is refused by get-me; its grant's other tokens still work", async () => {
    const { tokens } = await codeFlow(server);
    const res = await postForm(server, "/oidc/revoke", { token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(await checks(tokens.access_token)).toEqual(DEAD);
    const refreshed = await oidcRefresh(server, tokens.refresh_token as string);
    expect(refreshed.status).toBe(200);
    expect(await checks(((await refreshed.json()) as Tokens).access_token)).toEqual(LIVE);
  });

  it("RFC 7009: a revoked refresh token ends its grant, on get-me too", async () => {
    const { tokens } = await codeFlow(server);
    const res = await postForm(server, "/oidc/revoke", { token: tokens.refresh_token as string });
    expect(res.status).toBe(200);
    expect(await checks(tokens.access_token)).toEqual(DEAD);
  });

  it("a client-credentials token has no user: get-me and permission checks answer 401", async () => {
    server.setState({ permissions: ["read", "orders"] });
    const res = await postForm(server, "/oidc/token", {
      grant_type: "client_credentials",
      scope: "orders",
    });
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as Tokens;
    // Live at the provider (introspection), yet nobody's identity on the proxy API.
    const intro = await postForm(server, "/oidc/introspect", { token });
    expect(await intro.json()).toMatchObject({ active: true, sub: "mock-client" });
    expect(await getMe(server, token)).toBe(401);
    expect(await permission(server, token, "read")).toBe(401);
    expect(await permission(server, token, "orders")).toBe(401);
    const status = await fetch(`${server.url}/_oxa_auth/test-app-token`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await status.json()).toMatchObject({ authenticated: false, user_id: null });
    // The same holds for a minted app-only token.
    const minted = await server.mock.mintToken({ appOnly: true, clientId: "indexer" });
    expect(await getMe(server, minted)).toBe(401);
    // A user's token of the same provider still answers as that user.
    const { tokens } = await codeFlow(server, { login_hint: "mock-admin" });
    const me = await fetch(`${server.url}/_oxa_auth/get-me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await me.json()).toMatchObject({ id: "mock-admin-id" });
  });
});
