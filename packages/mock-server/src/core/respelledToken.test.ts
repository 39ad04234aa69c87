// A revoked token stays revoked however it is spelled: the same JWS re-spelled still verifies,
// so the mock identifies a token by what was signed. Real HTTP.
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeFlow, getMe, permission, postForm } from "../../test/httpFlows.js";
import { respellEcdsa, respellLastChar } from "../../test/respell.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

let server: MockServer;

beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
});

/** The token and its re-spellings, each checked to verify against the published JWKS. */
async function spellings(token: string, ecdsa = true): Promise<string[]> {
  const all = [token, respellLastChar(token), ...(ecdsa ? [respellEcdsa(token)] : [])];
  expect(new Set(all).size).toBe(all.length);
  const jwks = createLocalJWKSet(await server.mock.jwks());
  for (const spelling of all) await jwtVerify(spelling, jwks, { issuer: server.url });
  return all;
}

const logout = (token: string) =>
  fetch(`${server.url}/_oxa_auth/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });

describe("a revoked token stays revoked however it is spelled", () => {
  it("a session-less token revoked by logout: every spelling gets 401 from get-me", async () => {
    const token = await server.mock.createAccessToken();
    const all = await spellings(token);
    for (const spelling of all) expect(await getMe(server, spelling)).toBe(200);
    expect((await logout(all[1] as string)).status).toBe(204);
    for (const spelling of all) {
      expect(await getMe(server, spelling)).toBe(401);
      expect(await permission(server, spelling)).toBe(401);
    }
  });

  it("RFC 7009 on an RS256 token: its re-spelled signature gets 401 from get-me", async () => {
    const token = await server.mock.mintToken({ sub: "mock-admin", alg: "RS256" });
    const all = await spellings(token, false);
    expect(await getMe(server, all[1] as string)).toBe(200);
    expect((await postForm(server, "/oidc/revoke", { token })).status).toBe(200);
    for (const spelling of all) expect(await getMe(server, spelling)).toBe(401);
  });

  it("RFC 7009: an access token revoked in one spelling is refused in every spelling", async () => {
    const { tokens } = await codeFlow(server);
    const all = await spellings(tokens.access_token);
    const revoked = await postForm(server, "/oidc/revoke", { token: all[2] as string });
    expect(revoked.status).toBe(200);
    for (const spelling of all) {
      expect(await getMe(server, spelling)).toBe(401);
      const info = await fetch(`${server.url}/oidc/userinfo`, {
        headers: { authorization: `Bearer ${spelling}` },
      });
      expect(info.status).toBe(401);
      const intro = await postForm(server, "/oidc/introspect", { token: spelling });
      expect(await intro.json()).toEqual({ active: false });
    }
  });
});
