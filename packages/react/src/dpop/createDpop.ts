// The DPoP code (RFC 9449), a chunk of its own: loaded only by a client whose `dpop` option is
// set, so apps without it never download it. It imports nothing of the page-load code (a chunk
// shared with the page would load with every page).

import { deleteDpopKey, loadDpopKey } from "./loadDpopKey";
import { signDpopProof } from "./signDpopProof";

/**
 * What the client gets from the DPoP chunk.
 *
 * @example
 * const dpop: Dpop | undefined = await client.dpop();
 * const protocols = ["oxa-auth", `oxa-auth.bearer.${token}`, `oxa-auth.dpop.${await dpop?.proof("GET", wsUrl, token)}`];
 */
export interface Dpop {
  /**
   * `fetch` for the client's requests: to an allowed origin it turns `Authorization: Bearer` into
   * `DPoP`, adds a `DPoP` proof (also on the token endpoints, without a token), and retries once
   * when the server asks for a nonce (`use_dpop_nonce`). Other origins get the request untouched.
   */
  fetch: typeof fetch;
  /** A proof for `method` on `url` (http(s) or ws(s)) carrying `token`, with the origin's nonce. */
  proof(method: string, url: string, token?: string): Promise<string>;
  /** Deletes the key (sign-out): the next sign-in makes a new one. */
  drop(): Promise<void>;
}

const BEARER = /^Bearer\s+(\S+)$/i;
/** The auth API's sign-out: the key goes with the session (nothing bound to it is of use after). */
const LOGOUT = /\/_oxa_auth\/logout$/;

/** The http(s) origin of `url` (a socket's `ws:` URL shares its nonce with its `http:` twin). */
function originOf(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol.replace(/^ws/, "http");
  return u.origin;
}

/** Whether `res` is a `use_dpop_nonce` refusal (400 from a token endpoint, 401 elsewhere). */
async function asksForNonce(res: Response): Promise<boolean> {
  if ((res.status !== 400 && res.status !== 401) || !res.headers.has("dpop-nonce")) return false;
  if (/use_dpop_nonce/.test(res.headers.get("www-authenticate") ?? "")) return true;
  const body: unknown = await res
    .clone()
    .json()
    .catch(() => null);
  return (body as { error?: unknown } | null)?.error === "use_dpop_nonce";
}

/** The last `DPoP-Nonce` each server (http(s) origin) sent: a fact of the server, for every client. */
const nonces = new Map<string, string>();
let loading: Promise<CryptoKeyPair> | undefined;

/**
 * The key pair, read at each proof so every tab signs with the key the others use (a sign-out in
 * one deletes it for all); one load at a time, so concurrent first requests make one key.
 */
function keys(): Promise<CryptoKeyPair> {
  loading ??= loadDpopKey().finally(() => {
    loading = undefined;
  });
  return loading;
}

/**
 * The DPoP side of a client whose allowed origins are those `allowed` answers a URL for: one
 * key pair per origin of the page (IndexedDB), and the last nonce each server sent.
 *
 * @example
 * const dpop = createDpop((url) => client.allowedUrl(url));
 * const res = await dpop.fetch(url, { headers: { authorization: `Bearer ${token}` } });
 */
export function createDpop(allowed: (url: string) => string | null): Dpop {
  const proof = async (method: string, url: string, token?: string) =>
    signDpopProof(await keys(), {
      method,
      url,
      ...(token && { accessToken: token }),
      ...(nonces.has(originOf(url)) && { nonce: nonces.get(originOf(url)) }),
    });

  const send = async (request: Request, token: string | undefined) => {
    if (token) request.headers.set("authorization", `DPoP ${token}`);
    request.headers.set("dpop", await proof(request.method, request.url, token));
    const res = await fetch(request);
    const nonce = res.headers.get("dpop-nonce");
    if (nonce) nonces.set(originOf(request.url), nonce);
    return res;
  };

  return {
    async fetch(input, init) {
      const request = new Request(input, init);
      if (!allowed(request.url)) return fetch(request);
      const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
      const retry = request.clone();
      try {
        const res = await send(request, token);
        // Once: the answer carried the nonce, so the second proof has it.
        return (await asksForNonce(res)) ? await send(retry, token) : res;
      } finally {
        // The client's sign-out comes through here: deleting the key here, whatever the answer,
        // keeps that step out of the page-load code.
        if (LOGOUT.test(new URL(request.url).pathname)) await deleteDpopKey();
      }
    },
    proof,
    drop: () => deleteDpopKey(),
  };
}
