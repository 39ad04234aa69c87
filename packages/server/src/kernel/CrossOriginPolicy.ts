import type { RequestContext } from "./types.js";

/** Methods that must not change state (RFC 9110 safe methods the SDK lets through). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/**
 * CSRF defence for requests authenticated by the access cookie alone (browsers attach cookies to
 * cross-site form posts; they never attach an Authorization header). An unsafe method passes only
 * when it comes from an allowed origin, from the browser's own report `Sec-Fetch-Site:
 * same-origin`, or, without that header (older browsers), with an `Origin` equal to the request's
 * own host. No evidence at all fails closed.
 *
 * @example
 * const policy = new CrossOriginPolicy(["https://admin.example.com"]);
 * if (!policy.allows("POST", ctx)) throw new CsrfRejectedError();
 */
export class CrossOriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  /** Whether a cookie-authenticated request with this method may proceed; an unknown method is unsafe. */
  allows(method: string | undefined, ctx: RequestContext): boolean {
    if (method !== undefined && SAFE_METHODS.has(method.toUpperCase())) return true;
    const origin = ctx.header("origin");
    if (origin !== undefined && this.allowed.has(origin.toLowerCase())) return true;
    const site = ctx.header("sec-fetch-site");
    if (site !== undefined) return site === "same-origin";
    return origin !== undefined && isOwnOrigin(origin, ctx);
  }
}

/**
 * Whether `Origin` names the host the request was sent to. A browser cannot set Host or
 * X-Forwarded-Host, so either is the address the page posted to; the first of a list is the one
 * the outermost proxy saw.
 */
function isOwnOrigin(origin: string, ctx: RequestContext): boolean {
  const host = (ctx.header("x-forwarded-host") ?? ctx.header("host"))?.split(",", 1)[0];
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, cross-origin redirects) and garbage
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) return false;
  let target = host.trim().toLowerCase();
  if (target.endsWith(`:${defaultPort}`)) target = target.slice(0, -defaultPort.length - 1);
  return url.host === target;
}
