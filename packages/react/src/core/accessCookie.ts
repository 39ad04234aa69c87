import type { Tokens } from "./authApi";
import { isRecord, TOKEN_CHARS } from "./internal";

/** `exp` of a JWT (ms), or 0 for anything else. */
function jwtExpiry(token: string): number {
  try {
    const claims: unknown = JSON.parse(
      atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")),
    );
    return isRecord(claims) && typeof claims.exp === "number" ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * The token in the JS-readable access cookie `name` when it is a well-formed JWT valid for longer
 * than `leewayMs`, else null.
 */
export function readAccessCookie(name: string, leewayMs: number): Tokens | null {
  const prefix = `${name}=`;
  const raw = document.cookie.split("; ").find((c) => c.startsWith(prefix));
  const token = raw ? decodeURIComponent(raw.slice(prefix.length)) : "";
  const expiresAt = jwtExpiry(token);
  return expiresAt - leewayMs > Date.now() && TOKEN_CHARS.test(token) ? { token, expiresAt } : null;
}
