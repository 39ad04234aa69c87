/** Cookie attributes decided by where the mock is served. */
export interface CookiePolicy {
  sameSite: "None" | "Lax";
  secure: boolean;
  partitioned: boolean;
}

/** True for localhost, *.localhost, 127.0.0.0/8 and [::1]: browsers treat them as secure. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(?:\.\d{1,3}){3}$/.test(host) ||
    host === "[::1]" ||
    host === "::1"
  );
}

/**
 * Loopback: `SameSite=None; Secure; Partitioned` so that an app on http://localhost:5173 can use
 * the cookies of http://127.0.0.1:8765 with `credentials: "include"` (cross-site). Elsewhere:
 * `SameSite=Lax`, plus `Secure` on HTTPS (contracts.md).
 */
export function cookiePolicy(baseUrl: URL): CookiePolicy {
  if (isLoopbackHost(baseUrl.hostname))
    return { sameSite: "None", secure: true, partitioned: true };
  return { sameSite: "Lax", secure: baseUrl.protocol === "https:", partitioned: false };
}

/** `Set-Cookie` value; `maxAge` 0 deletes the cookie. */
export function serializeCookie(
  name: string,
  value: string,
  options: { maxAge: number; httpOnly: boolean; path: string; policy: CookiePolicy },
): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAge}`];
  if (options.maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.policy.secure) parts.push("Secure");
  parts.push(`SameSite=${options.policy.sameSite}`);
  if (options.policy.partitioned) parts.push("Partitioned");
  return parts.join("; ");
}

/** Value of cookie `name` in a `Cookie` header (first occurrence wins), or undefined. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header || header.length > 16_384) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    return value;
  }
  return undefined;
}
