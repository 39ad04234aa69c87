import { decode as base64urlDecode } from "jose/base64url";
import { sha256 } from "./random.js";

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A token's identity (`tokenHash`, docs/contracts.md): for a compact JWS the lower-case hex
 * sha256 of its signing input (`header.payload`), for any other token the sha256 of its UTF-8
 * bytes. One JWS has several spellings that verify (unused bits of the signature's last
 * character, ECDSA's (r, n−s)); what was signed is the same in each, so a revocation holds for all.
 *
 * @example
 * const hash = await tokenHash(accessToken); // the same for every spelling of that JWS
 * revoked.has(hash);
 */
export function tokenHash(token: string): Promise<string> {
  return sha256(signingInput(token) ?? token);
}

/** The signing input of a compact JWS (its header decodes to an object with a string `alg`). */
function signingInput(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return undefined;
  const [header, payload] = parts as [string, string, string];
  try {
    const decoded: unknown = JSON.parse(UTF8.decode(base64urlDecode(header)));
    const isHeader =
      typeof decoded === "object" &&
      decoded !== null &&
      !Array.isArray(decoded) &&
      typeof (decoded as { alg?: unknown }).alg === "string";
    return isHeader ? `${header}.${payload}` : undefined;
  } catch {
    return undefined;
  }
}
