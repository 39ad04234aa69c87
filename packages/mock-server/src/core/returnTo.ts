import { hasControlChar, isSafeRelativePath, safeUrl } from "../config/parse.js";
import { type AllowedOrigins, isLoginOriginAllowed } from "./cors.js";

/**
 * Resolve a login's `return_to` to the absolute URL the callback may send the browser to, or
 * undefined when it would be an open redirect. Accepted: a path (`/x`, not `//x` or `/\x`),
 * resolved against the app origin when there is one; or an absolute http(s) URL on the app
 * origin or on an origin a login may return to (listed, or loopback without a list).
 */
export function resolveReturnTo(
  returnTo: string,
  appOrigin: string | null,
  baseUrl: string,
  allowed: AllowedOrigins,
): string | undefined {
  if (isSafeRelativePath(returnTo)) return new URL(returnTo, appOrigin ?? baseUrl).href;
  // Browsers strip tabs/newlines and accept backslashes in URLs; refuse them outright.
  if (returnTo.length > 2048 || hasControlChar(returnTo) || returnTo.includes("\\"))
    return undefined;
  const url = safeUrl(returnTo);
  if (
    !url ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.username ||
    url.password
  ) {
    return undefined;
  }
  if (url.origin === appOrigin) return url.href;
  return isLoginOriginAllowed(url.origin, allowed) ? url.href : undefined;
}
