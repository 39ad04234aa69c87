import { hasControlChar, safeUrl } from "../config/parse.js";

/**
 * The `resource` parameter (RFC 8707 §2): null when absent, the URI when it is absolute and has
 * no fragment, undefined when it is malformed (answer `invalid_target`).
 */
export function parseResource(value: string | undefined): string | null | undefined {
  if (value === undefined) return null;
  const url =
    value.length > 2048 || hasControlChar(value) || /\s/.test(value) ? undefined : safeUrl(value);
  if (url === undefined || url.hash !== "" || value.includes("#")) return undefined;
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  // Sent back verbatim as `aud`: the resource server compares it exactly.
  return value;
}

/**
 * The token request's `resource` against the grant's: absent means the grant's, anything else
 * must be that same resource (a token is never widened to another one). Returns the resource,
 * or undefined to answer `invalid_target`.
 */
export function grantResource(
  asked: string | undefined,
  granted: string | null | undefined,
): string | null | undefined {
  if (asked === undefined) return granted ?? null;
  return parseResource(asked) !== undefined && asked === granted ? asked : undefined;
}
