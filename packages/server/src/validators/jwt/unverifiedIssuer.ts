/** A compact JWS: three base64url segments. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Issuers are URLs: a longer `iss` is nobody's, and is not worth a lookup. */
const MAX_ISSUER_CHARS = 2048;

/**
 * The `iss` claim of a compact JWS, read WITHOUT checking the signature, or undefined when the
 * token is not a JWS or names no usable issuer. Used only to pick which issuer's keys and rules
 * check the token: nothing read here is trusted until that check has passed.
 *
 * @example
 * unverifiedIssuer(token); // "https://sso.example.com/realms/tenant-a"
 */
export function unverifiedIssuer(token: string): string | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  const payload = token.slice(token.indexOf(".") + 1, token.lastIndexOf("."));
  let claims: unknown;
  try {
    const binary = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return undefined;
  const iss = (claims as { iss?: unknown }).iss;
  return typeof iss === "string" && iss !== "" && iss.length <= MAX_ISSUER_CHARS ? iss : undefined;
}
