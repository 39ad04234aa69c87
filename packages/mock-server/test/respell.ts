// Other spellings of one JWS that still verify: what an attacker tries against a revocation list.

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The order n of the P-256 group: (r, s) and (r, n − s) are both valid ECDSA signatures. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function parts(token: string): [string, string, string] {
  const [header, payload, signature] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined)
    throw new Error("not a compact JWS");
  return [header, payload, signature];
}

/**
 * The signature's last base64url character changed in its unused low bits only: the decoded
 * bytes are the same (a 64- or 256-byte signature leaves 4 bits of its last character unused).
 */
export function respellLastChar(token: string): string {
  const [header, payload, signature] = parts(token);
  const unusedBits = (signature.length * 6) % 8;
  if (unusedBits === 0) throw new Error("this signature's last character has no unused bits");
  const last = B64URL.indexOf(signature.at(-1) as string);
  const mask = (1 << unusedBits) - 1;
  const changed = (last & ~mask) | ((last + 1) & mask);
  return `${header}.${payload}.${signature.slice(0, -1)}${B64URL[changed]}`;
}

/** An ES256 signature (r, s) re-encoded as (r, n − s): a different signature that still verifies. */
export function respellEcdsa(token: string): string {
  const [header, payload, signature] = parts(token);
  const bytes = Buffer.from(signature, "base64url");
  if (bytes.length !== 64) throw new Error("not an ES256 signature (64 bytes r||s)");
  const s = BigInt(`0x${bytes.subarray(32).toString("hex")}`);
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(64, "0"), "hex");
  const respelled = Buffer.concat([bytes.subarray(0, 32), flipped]).toString("base64url");
  return `${header}.${payload}.${respelled}`;
}
