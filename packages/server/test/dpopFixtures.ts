import { createHash, randomUUID } from "node:crypto";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from "jose";
import { b64 } from "./jwtFixtures.js";

/** A client's DPoP key pair, its public JWK and that JWK's RFC 7638 thumbprint (jose's). */
export interface ProofKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  jkt: string;
}

/** A DPoP key pair as a client makes it. */
export async function makeProofKey(alg = "ES256"): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    alg,
    privateKey,
    publicJwk,
    privateJwk: await exportJWK(privateKey),
    jkt: await calculateJwkThumbprint(publicJwk),
  };
}

/** base64url(sha256(token)): the proof's `ath`. */
export function athOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** What a proof says; each field overrides the honest value. */
export interface ProofClaims {
  htm: string;
  htu: string;
  token?: string;
  iat?: number;
  jti?: string;
  nonce?: string;
  ath?: string;
  header?: Record<string, unknown>;
}

/** A DPoP proof (typ dpop+jwt, the public key in jwk) signed with `key`. */
export function signProof(key: ProofKey, claims: ProofClaims): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: claims.htm,
    htu: claims.htu,
    iat: claims.iat ?? Math.floor(Date.now() / 1000),
    jti: claims.jti ?? randomUUID(),
  };
  const ath = claims.ath ?? (claims.token === undefined ? undefined : athOf(claims.token));
  if (ath !== undefined) payload.ath = ath;
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, typ: "dpop+jwt", jwk: key.publicJwk, ...claims.header })
    .sign(key.privateKey);
}

/** A hand-built proof with any header (alg none, HS256…) and a stand-in signature. */
export function rawProof(header: unknown, payload: unknown, signature = "c2lnbmF0dXJl"): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}
