import { type CorsOrigins, safeUrl } from "../config/parse.js";
import { isLoopbackHost } from "./cookies.js";

/** Methods and request headers a browser may use cross-origin. */
const ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
const ALLOW_HEADERS = "Authorization, Content-Type, DPoP";
/** Answer headers a browser page may read cross-origin: a DPoP client needs the server's nonce. */
const EXPOSE_HEADERS = "DPoP-Nonce, WWW-Authenticate";

/** The configured origins, as the checks read them. */
export type AllowedOrigins = CorsOrigins | readonly string[];

/**
 * An `Origin` value the mock accepts: an exact `http(s)://host[:port]` origin (never `null`,
 * `file:` or anything with a path) that `allowed` admits.
 */
export function isOriginAllowed(origin: string, allowed: AllowedOrigins): boolean {
  if (origin.length > 2048) return false;
  const url = safeUrl(origin);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== origin) {
    return false;
  }
  if (allowed === "*") return true;
  if (allowed === "loopback") return isLoopbackHost(url.hostname);
  return allowed.includes(origin);
}

/**
 * An origin a login may hand its one-time code to (and send the browser back to): a listed
 * origin, or without a list (`loopback` or `*`) a loopback one. `*` opens CORS, never logins.
 */
export function isLoginOriginAllowed(origin: string, allowed: AllowedOrigins): boolean {
  return isOriginAllowed(origin, allowed === "*" ? "loopback" : allowed);
}

/**
 * Headers for an actual (non-preflight) response. The allowed origin is always reflected,
 * never `*`, because credentials (cookies) are allowed.
 */
export function corsResponseHeaders(
  origin: string | null,
  allowed: AllowedOrigins,
): Record<string, string> {
  if (origin === null || !isOriginAllowed(origin, allowed)) return { vary: "Origin" };
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": EXPOSE_HEADERS,
    vary: "Origin",
  };
}

/** Status and headers answering an `OPTIONS` preflight. */
export function preflightResponse(
  origin: string | null,
  allowed: AllowedOrigins,
  privateNetwork: boolean,
): { status: number; headers: Record<string, string> } {
  const vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  if (origin === null || !isOriginAllowed(origin, allowed)) {
    return { status: 403, headers: { vary } };
  }
  const headers: Record<string, string> = {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": ALLOW_METHODS,
    "access-control-allow-headers": ALLOW_HEADERS,
    "access-control-max-age": "600",
    vary,
  };
  // Chrome's Private Network Access asks before a public page may call a loopback server.
  if (privateNetwork) headers["access-control-allow-private-network"] = "true";
  return { status: 204, headers };
}
