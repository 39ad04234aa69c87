import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { API, AUTH, popupLogin, stopAll, track } from "../../test/helpers";
import { AuthClient } from "../core/AuthClient";
import { deleteDpopKey } from "./loadDpopKey";

// happy-dom has no IndexedDB: the store is replaced by one key in memory here (the real store
// runs in Chromium, apps/e2e). Everything else is the real code against the mock's handlers,
// which check each proof as RFC 9449 says.
const stored = vi.hoisted(() => ({ pair: undefined as CryptoKeyPair | undefined }));
vi.mock("./loadDpopKey", () => ({
  loadDpopKey: vi.fn(async () => {
    stored.pair ??= await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
    ]);
    return stored.pair;
  }),
  deleteDpopKey: vi.fn(async () => {
    stored.pair = undefined;
  }),
}));

const decode = (part: string) =>
  JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
const sha256 = async (text: string) =>
  btoa(
    String.fromCharCode(
      ...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
    ),
  )
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** Header and claims of a proof whose signature verifies with its own `jwk` (else throws). */
async function readProof(proof: string) {
  const [h, p, s] = proof.split(".") as [string, string, string];
  const header = decode(h);
  const key = await crypto.subtle.importKey(
    "jwk",
    header.jwk as JsonWebKey,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const signature = Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) =>
    c.charCodeAt(0),
  );
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    signature,
    new TextEncoder().encode(`${h}.${p}`),
  );
  if (!ok) throw new Error("the proof's signature does not verify");
  return { header, claims: decode(p) };
}

let api: ReturnType<typeof startAuthApi>;
beforeEach(() => {
  stored.pair = undefined;
});
afterEach(() => {
  stopAll();
  api.close();
  vi.clearAllMocks();
});

const signedIn = async (options = {}) => {
  api = startAuthApi(options);
  const client = track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API], dpop: true }));
  await client.getAccessToken();
  await popupLogin(client, api.codeFor);
  return client;
};

describe("DPoP (dpop: true) against the mock's proof checks", () => {
  it("binds the session to the key (cnf.jkt its thumbprint); get-me carries a signed proof with ath", async () => {
    const proofs: string[] = [];
    const client = await signedIn();
    api.server.events.on("request:start", ({ request }) => {
      proofs.push(request.headers.get("dpop") ?? "");
    });
    const token = client.getSnapshot().token as string;
    const claims = decode(token.split(".")[1] as string);
    const { jwk } = (await readProof(await signProofOf(client, token))).header as {
      jwk: JsonWebKey;
    };
    expect((claims.cnf as { jkt: string }).jkt).toBe(await thumbprint(jwk));
    // get-me wants the proof for a bound token: the client sends one.
    expect(await client.getUser()).toMatchObject({ email: expect.any(String) });
    const { header, claims: c } = await readProof(proofs[0] as string);
    expect(header).toMatchObject({ typ: "dpop+jwt", alg: "ES256" });
    expect(Object.keys(header.jwk as object).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(c).toMatchObject({
      htm: "GET",
      htu: `${AUTH}/_oxa_auth/get-me`,
      ath: await sha256(token),
    });
    expect(typeof c.jti).toBe("string");
  });

  it("the bound token as Bearer is refused by the auth API (what a thief holds)", async () => {
    const client = await signedIn();
    const token = client.getSnapshot().token as string;
    const res = await fetch(`${AUTH}/_oxa_auth/get-me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
  });

  it("refresh sends a proof by the same key (the mock refuses a bound session's refresh without)", async () => {
    const client = await signedIn();
    const first = client.getSnapshot().token;
    const renewed = await client.refresh();
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(first);
    expect(client.getSnapshot().status).toBe("authenticated");
  });

  it("authFetch to an allowed API: Authorization: DPoP and a proof with htu without query, ath", async () => {
    const client = await signedIn();
    const seen: Array<{ auth: string | null; proof: string | null }> = [];
    api.server.use(
      http.get(`${API}/v1/things`, ({ request }) => {
        seen.push({
          auth: request.headers.get("authorization"),
          proof: request.headers.get("dpop"),
        });
        return HttpResponse.json({ ok: true });
      }),
    );
    const token = client.getSnapshot().token as string;
    expect((await client.fetch(`${API}/v1/things?page=2#top`)).status).toBe(200);
    expect(seen[0]?.auth).toBe(`DPoP ${token}`);
    const { claims } = await readProof(seen[0]?.proof as string);
    expect(claims).toMatchObject({ htm: "GET", htu: `${API}/v1/things`, ath: await sha256(token) });
  });

  it("another origin gets neither token nor proof", async () => {
    const client = await signedIn();
    let headers: Headers | undefined;
    api.server.use(
      http.get("http://other.example/x", ({ request }) => {
        headers = request.headers;
        return HttpResponse.json({});
      }),
    );
    await client.fetch("http://other.example/x");
    expect(headers?.get("authorization")).toBeNull();
    expect(headers?.get("dpop")).toBeNull();
  });

  it("nonce mode: the first proof without a nonce is answered use_dpop_nonce, the retry with it passes", async () => {
    const client = await signedIn({ dpopNonce: true });
    expect(client.getSnapshot().status).toBe("authenticated");
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(2);
    expect(await client.getUser()).not.toBeNull();
  });

  it("retries once only: a server that keeps asking for a nonce gets two requests", async () => {
    const client = await signedIn();
    let calls = 0;
    api.server.use(
      http.get(`${API}/v1/nonce`, () => {
        calls++;
        return HttpResponse.json(
          { error: "use_dpop_nonce" },
          {
            status: 401,
            headers: {
              "dpop-nonce": `n${calls}`,
              "www-authenticate": 'DPoP error="use_dpop_nonce"',
            },
          },
        );
      }),
    );
    vi.spyOn(client, "renewToken").mockResolvedValue(null);
    expect((await client.fetch(`${API}/v1/nonce`)).status).toBe(401);
    expect(calls).toBe(2);
  });

  it("sign-out deletes the key", async () => {
    const client = await signedIn();
    expect(stored.pair).toBeDefined();
    await client.logout();
    expect(deleteDpopKey).toHaveBeenCalledTimes(1);
    expect(stored.pair).toBeUndefined();
  });

  it("without dpop: Bearer, no proof, and the DPoP code is never loaded", async () => {
    api = startAuthApi();
    const client = track(new AuthClient({ authApiBaseUrl: AUTH }));
    await client.getAccessToken();
    await popupLogin(client, api.codeFor);
    expect(await client.dpop()).toBeNull();
    const token = client.getSnapshot().token as string;
    expect(decode(token.split(".")[1] as string).cnf).toBeUndefined();
    expect(await client.getUser()).not.toBeNull();
  });
});

/** A fresh proof by the client's key (its `jwk` is what the token is bound to). */
async function signProofOf(client: AuthClient, token: string): Promise<string> {
  const dpop = await client.dpop();
  return (await dpop?.proof("GET", `${AUTH}/x`, token)) as string;
}

/** RFC 7638 thumbprint of an EC public JWK. */
async function thumbprint({ crv, kty, x, y }: JsonWebKey): Promise<string> {
  return sha256(JSON.stringify({ crv, kty, x, y }));
}
