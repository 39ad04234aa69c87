const encoder = new TextEncoder();

const base64url = (bytes: ArrayBuffer | Uint8Array): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const part = (value: object) => base64url(encoder.encode(JSON.stringify(value)));

/** What a DPoP proof is for: the request, the access token it carries, the server's nonce. */
export interface DpopProofFor {
  /** The request's method (`htm`). */
  method: string;
  /** The request's URL; `htu` is it without query and fragment. */
  url: string;
  /** The access token sent with it: `ath` is its SHA-256 (none on the token endpoints). */
  accessToken?: string;
  /** The server's last `DPoP-Nonce`. */
  nonce?: string;
}

/**
 * A DPoP proof (RFC 9449 §4.2) signed with `keys`' ES256 private key: header `typ` `dpop+jwt`,
 * `alg` `ES256`, `jwk` the public key; claims `jti` (random), `htm`, `htu`, `iat`, and `ath` /
 * `nonce` when given.
 *
 * @example
 * const proof = await signDpopProof(await loadDpopKey(), { method: "GET", url, accessToken });
 */
export async function signDpopProof(
  keys: CryptoKeyPair,
  { method, url, accessToken, nonce }: DpopProofFor,
): Promise<string> {
  // Only the public members: the exported JWK also lists key_ops and ext.
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", keys.publicKey);
  const htu = new URL(url);
  htu.search = "";
  htu.hash = "";
  const claims = {
    jti: base64url(crypto.getRandomValues(new Uint8Array(16))),
    htm: method.toUpperCase(),
    htu: htu.href,
    iat: Math.floor(Date.now() / 1000),
    ...(accessToken && {
      ath: base64url(await crypto.subtle.digest("SHA-256", encoder.encode(accessToken))),
    }),
    ...(nonce && { nonce }),
  };
  const input = `${part({ typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } })}.${part(claims)}`;
  // Web Crypto's ECDSA signature is r || s, the JWS form (RFC 7518 §3.4).
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    keys.privateKey,
    encoder.encode(input),
  );
  return `${input}.${base64url(signature)}`;
}
