import { platform } from "#platform";
import { hexToBase64url } from "./base64url.js";

/** RFC 7638's required members of each key type, in their lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ["crv", "kty", "x", "y"],
  RSA: ["e", "kty", "n"],
  OKP: ["crv", "kty", "x"],
};

/**
 * The SHA-256 JWK thumbprint (RFC 7638) of a public key, as `cnf.jkt` carries it; undefined for
 * a key type DPoP cannot use or a required member that is not a string. Synchronous (the
 * platform's sha256), so a proof's key costs no extra await.
 *
 * @example
 * jwkThumbprint({ kty: "EC", crv: "P-256", x: "…", y: "…" }); // "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === "string" ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== "string") return undefined;
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return hexToBase64url(platform.sha256Hex(`{${parts.join(",")}}`));
}
