// DPoP on the proxy API over real HTTP: token exchange and refresh bind the session to the
// browser's key; get-me wants a proof for a bound token; the testing kit's bad proofs fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCookie } from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";
import {
  BAD_DPOP_PROOF_KINDS,
  createDpopKey,
  createDpopProof,
  type DpopKey,
} from "../testing/createDpopProof.js";

let server: MockServer;
let nonceServer: MockServer;
let key: DpopKey;

beforeAll(async () => {
  server = await startMockServer({ refreshReuseInterval: 0 });
  nonceServer = await startMockServer({ dpopNonce: true });
  key = await createDpopKey();
});
afterAll(async () => {
  await server.close();
  await nonceServer.close();
});

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());

/** Signs in through the proxy API with a proof at the token exchange. */
async function boundSignIn(on = server, proofKey = key) {
  const message = await on.completeLogin({ state: `s${Math.random()}`.slice(2), origin: on.url });
  const code = message.type === "OXA_AUTH_SUCCESS" ? message.code : "";
  const url = `${on.url}/_oxa_auth/token-exchange`;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      dpop: await createDpopProof(proofKey, { htm: "POST", htu: url }),
    },
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; token_type: string };
  return { ...body, refresh: refreshCookie(on, res) };
}

async function getMe(headers: Record<string, string>, on = server) {
  const res = await fetch(`${on.url}/_oxa_auth/get-me`, { headers });
  return { status: res.status, body: (await res.json()) as { error?: string }, res };
}

const proofFor = (token: string, options: Parameters<typeof createDpopProof>[1] | object = {}) =>
  createDpopProof(key, {
    htm: "GET",
    htu: `${server.url}/_oxa_auth/get-me`,
    accessToken: token,
    ...options,
  });

describe("DPoP on the mock's proxy API", () => {
  it("the token exchange with a proof issues a bound token (cnf.jkt, token_type DPoP)", async () => {
    const tokens = await boundSignIn();
    expect(tokens.token_type).toBe("DPoP");
    expect(claimsOf(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it("get-me: the bound token with its proof → 200; as Bearer or in the cookie → 401", async () => {
    const { access_token: token } = await boundSignIn();
    const ok = await getMe({ authorization: `DPoP ${token}`, dpop: await proofFor(token) });
    expect(ok.status).toBe(200);
    const bearer = await getMe({ authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(401);
    expect(bearer.res.headers.get("www-authenticate")).toMatch(/^DPoP error="invalid_token"/);
    const cookie = await getMe({
      cookie: `${server.mock.settings.accessCookieName}=${token}`,
    });
    expect(cookie.status).toBe(401);
  });

  it.each(BAD_DPOP_PROOF_KINDS)("get-me refuses the kit's bad proof %s → 401", async (bad) => {
    const { access_token: token } = await boundSignIn();
    const answer = await getMe({
      authorization: `DPoP ${token}`,
      dpop: await proofFor(token, { bad }),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("invalid_dpop_proof");
  });

  it("a replayed proof (same jti) → 401 the second time", async () => {
    const { access_token: token } = await boundSignIn();
    const dpop = await proofFor(token, { jti: "once-only" });
    expect((await getMe({ authorization: `DPoP ${token}`, dpop })).status).toBe(200);
    const again = await proofFor(token, { jti: "once-only" });
    expect((await getMe({ authorization: `DPoP ${token}`, dpop: again })).status).toBe(401);
  });

  it("refresh: a bound session refreshes only with a proof by its key", async () => {
    const { refresh } = await boundSignIn();
    const url = `${server.url}/_oxa_auth/refresh`;
    const cookie = `${server.mock.settings.refreshCookieName}=${refresh}`;
    const stolen = await fetch(url, { method: "POST", headers: { cookie } });
    expect(stolen.status).toBe(400);
    const thief = await createDpopKey();
    const other = await fetch(url, {
      method: "POST",
      headers: { cookie, dpop: await createDpopProof(thief, { htm: "POST", htu: url }) },
    });
    expect(other.status).toBe(400);
    const res = await fetch(url, {
      method: "POST",
      headers: { cookie, dpop: await createDpopProof(key, { htm: "POST", htu: url }) },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(claimsOf(body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it("the kit mints bound tokens: mintToken({ jkt })", async () => {
    const token = await server.mock.mintToken({ sub: "mock-admin", jkt: key.jkt });
    expect(claimsOf(token).cnf).toEqual({ jkt: key.jkt });
  });

  it("nonce mode: use_dpop_nonce with a DPoP-Nonce, then the proof with it passes", async () => {
    const url = `${nonceServer.url}/_oxa_auth/token-exchange`;
    const message = await nonceServer.completeLogin({
      state: "nonce-state",
      origin: nonceServer.url,
    });
    const code = message.type === "OXA_AUTH_SUCCESS" ? message.code : "";
    const send = (dpop: string) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", dpop },
        body: JSON.stringify({ code }),
      });
    const first = await send(await createDpopProof(key, { htm: "POST", htu: url }));
    expect(first.status).toBe(400);
    expect(((await first.json()) as { error: string }).error).toBe("use_dpop_nonce");
    const nonce = first.headers.get("dpop-nonce") as string;
    expect(nonce).toBeTruthy();
    const retry = await send(await createDpopProof(key, { htm: "POST", htu: url, nonce }));
    expect(retry.status).toBe(200);
  });
});
