/**
 * The part of a token that identifies it. A compact JWS is identified by what was signed (its
 * header and payload segments), never by the spelling of its signature: the last base64url
 * character of a signature carries unused bits, and an ECDSA signature (r, s) also verifies as
 * (r, n − s), so one JWS has several spellings that all verify. Any other token is its own
 * identity. Revocations match on this, so revoking one spelling revokes them all.
 *
 * @example
 * signedPart(jws); // "eyJhbGciOi….eyJzdWIiOi…"
 * signedPart("opaque-token"); // "opaque-token"
 */
export function signedPart(token: string): string {
  const first = token.indexOf(".");
  if (first <= 0) return token;
  const second = token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0 || second === token.length - 1) {
    return token;
  }
  return isJwsHeader(token.slice(0, first)) ? token.slice(0, second) : token;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Headers are small: a longer first segment is not read (and the token is its own identity). */
const MAX_HEADER_CHARS = 4096;

/**
 * The last segment found to be a JOSE header: an issuer's tokens share one header, so most
 * calls compare a string instead of decoding it again.
 */
let lastHeader = "";

/** Whether a segment decodes to a JOSE header: a JSON object with a string `alg`. */
function isJwsHeader(segment: string): boolean {
  if (segment === lastHeader) return true;
  if (segment.length > MAX_HEADER_CHARS || !BASE64URL.test(segment)) return false;
  try {
    const binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
    const header: unknown = JSON.parse(binary);
    const isHeader =
      typeof header === "object" &&
      header !== null &&
      !Array.isArray(header) &&
      typeof (header as { alg?: unknown }).alg === "string";
    if (isHeader) lastHeader = segment;
    return isHeader;
  } catch {
    return false;
  }
}
