import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from "jose";
import { encode as base64url } from "jose/base64url";
import { sha256Base64url } from "../core/checkDpopProof.js";
import { randomToken } from "../core/random.js";

/**
 * A client's DPoP key pair for tests: its public JWK and thumbprint (`cnf.jkt` of the tokens
 * bound to it).
 *
 * @example
 * const key = await createDpopKey();
 * const token = await kit.mintToken({ sub: "mock-admin", jkt: key.jkt });
 */
export interface DpopKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly jkt: string;
}

/**
 * A fresh DPoP key pair (`ES256` by default; any algorithm jose generates).
 *
 * @example
 * const key = await createDpopKey("ES256");
 */
export async function createDpopKey(alg = "ES256"): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/**
 * A proof an API must refuse, each for one reason of RFC 9449 §4.3.
 *
 * @example
 * const bad: BadDpopProofKind = "wrong-htu";
 * const proof = await createDpopProof(key, { htm: "GET", htu, accessToken, bad });
 */
export type BadDpopProofKind =
  | "wrong-htu"
  | "wrong-htm"
  | "wrong-ath"
  | "wrong-key"
  | "stale-iat"
  | "alg-none"
  | "private-key";

/**
 * Every {@link BadDpopProofKind}, to run one refusal test per kind.
 *
 * @example
 * for (const bad of BAD_DPOP_PROOF_KINDS) expect(await call(await createDpopProof(key, { ...req, bad }))).toBe(401);
 */
export const BAD_DPOP_PROOF_KINDS: readonly BadDpopProofKind[] = [
  "wrong-htu",
  "wrong-htm",
  "wrong-ath",
  "wrong-key",
  "stale-iat",
  "alg-none",
  "private-key",
];

/**
 * What a proof is for; `jti` repeats an earlier proof's (a replay), `bad` makes one that must
 * be refused.
 *
 * @example
 * const options: DpopProofOptions = { htm: "GET", htu: "http://127.0.0.1:3000/orders", accessToken };
 */
export interface DpopProofOptions {
  htm: string;
  /** The request's URL (a query or fragment is dropped, as RFC 9449 says). */
  htu: string;
  /** The access token it accompanies (`ath`); none at the token endpoint. */
  accessToken?: string;
  /** The server's nonce (`DPoP-Nonce`). */
  nonce?: string;
  /** A proof id; default a fresh one. Reuse one to replay. */
  jti?: string;
  /** `iat` in Unix seconds; default now. */
  iat?: number;
  bad?: BadDpopProofKind;
}

/**
 * Signs a DPoP proof with `key`, honest unless `bad` says how it must fail.
 *
 * @example
 * const proof = await createDpopProof(key, { htm: "GET", htu: `${api}/orders`, accessToken });
 * await fetch(`${api}/orders`, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
 * const stale = await createDpopProof(key, { htm: "GET", htu: `${api}/orders`, accessToken, bad: "stale-iat" });
 */
export async function createDpopProof(key: DpopKey, options: DpopProofOptions): Promise<string> {
  const url = new URL(options.htu);
  const bad = options.bad;
  let signer = key;
  if (bad === "wrong-key") signer = await createDpopKey(key.alg);
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    htm: bad === "wrong-htm" ? (options.htm === "GET" ? "POST" : "GET") : options.htm,
    htu: bad === "wrong-htu" ? `${url.origin}/not-this-path` : `${url.origin}${url.pathname}`,
    iat: bad === "stale-iat" ? now - 3600 : (options.iat ?? now),
    jti: options.jti ?? randomToken(16),
  };
  if (options.accessToken !== undefined) {
    payload.ath = await sha256Base64url(
      bad === "wrong-ath" ? `${options.accessToken}x` : options.accessToken,
    );
  }
  if (options.nonce !== undefined) payload.nonce = options.nonce;
  if (bad === "alg-none") {
    const encode = (value: unknown) => base64url(JSON.stringify(value));
    const header = { alg: "none", typ: "dpop+jwt", jwk: key.publicJwk };
    return `${encode(header)}.${encode(payload)}.bm9uZQ`;
  }
  const jwk = bad === "private-key" ? await exportJWK(signer.privateKey) : signer.publicJwk;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, typ: "dpop+jwt", jwk })
    .sign(signer.privateKey);
}
