import { type AuthError, InvalidRequestError, InvalidTokenError } from "./errors.js";
import { type RequestLike, toRequestContext } from "./requestContext.js";
import { DEFAULT_ACCESS_TOKEN_COOKIE_NAME } from "./settings.js";
import type { RequestContext } from "./types.js";

/** Marker for "an Authorization header was sent but is not `Bearer <token>`". */
export const MALFORMED = Symbol("malformed-authorization");

/** Longest token accepted (16 KiB), checked before any other work. */
export const MAX_TOKEN_LENGTH = 16_384;

// RFC 6750 b64token plus RFC 7230 tchar: covers JWTs and opaque base64url tokens, and keeps
// anything that could break a header (CR/LF, spaces, quotes, commas) out of upstream requests.
const TOKEN_CHARS = /^[A-Za-z0-9!#$%&'*+\-.^_`|~/=]+$/;

/** Whether `token` is safe to forward and worth validating (charset and size). */
export function isWellFormedToken(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && TOKEN_CHARS.test(token);
}

/**
 * The token of an `Authorization` value, or {@link MALFORMED} when it is neither
 * `Bearer <token>` nor `DPoP <token>` (RFC 9449; {@link isDpopScheme} tells which).
 */
export function parseAuthorization(header: string): string | typeof MALFORMED {
  let rest: string;
  if (header.startsWith("Bearer ")) rest = header.slice(7);
  else if (header.length > 7 && header.slice(0, 7).toLowerCase() === "bearer ") {
    rest = header.slice(7);
  } else if (isDpopScheme(header)) rest = header.slice(5);
  else return MALFORMED;
  if (rest.charCodeAt(0) === 32) rest = rest.trimStart();
  if (rest === "" || rest.includes(" ")) return MALFORMED;
  return rest;
}

/** Whether an `Authorization` value uses the `DPoP` scheme (any case), not `Bearer`. */
export function isDpopScheme(header: string): boolean {
  const first = header.charCodeAt(0);
  // 'D' / 'd': the one test a Bearer header pays.
  return (first === 68 || first === 100) && header.slice(0, 5).toLowerCase() === "dpop ";
}

/** Longest DPoP proof accepted (8 KiB; an RSA-4096 key's proof is about 1.5 KiB). */
export const MAX_DPOP_PROOF_LENGTH = 8192;

/** A compact JWS: three base64url segments, the signature non-empty. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The request's `DPoP` header: the proof, undefined when none was sent, or {@link MALFORMED}
 * when it is not exactly one compact JWS of at most {@link MAX_DPOP_PROOF_LENGTH} characters
 * (several headers arrive joined by commas, which a JWS never contains).
 */
export function readDpopProof(ctx: RequestContext): string | undefined | typeof MALFORMED {
  const proof = ctx.header("dpop");
  if (proof === undefined) return undefined;
  if (proof.length > MAX_DPOP_PROOF_LENGTH || !COMPACT_JWS.test(proof)) return MALFORMED;
  return proof;
}

/** The value of cookie `name` in a `Cookie` header, or undefined. First occurrence wins. */
export function readCookie(header: string, name: string): string | undefined {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      return value;
    }
    start = end + 1;
  }
  return undefined;
}

/**
 * The hot-path extraction: header first, then cookie (`cookieName` null: header only); the Cookie
 * header is read only when there is no Authorization header. Returns null when no token was sent
 * and {@link MALFORMED} when an Authorization header is present but not a Bearer credential.
 */
export function readToken(
  ctx: RequestContext,
  cookieName: string | null,
): string | null | typeof MALFORMED {
  const authorization = ctx.header("authorization");
  if (authorization !== undefined) return parseAuthorization(authorization);
  return cookieName === null ? null : readCookieToken(ctx, cookieName);
}

/** The access cookie's value, or null when it is missing or empty. */
export function readCookieToken(ctx: RequestContext, cookieName: string): string | null {
  const cookie = ctx.header("cookie");
  if (cookie === undefined) return null;
  const value = readCookie(cookie, cookieName);
  return value === undefined || value === "" ? null : value;
}

/**
 * The error for an Authorization header that {@link readToken} found {@link MALFORMED}: 400
 * `invalid_request` when it carries several values (a Web `Request` joins repeated headers with
 * ", ", and a token never contains a comma), else 401 `invalid_token`. Built on the error path
 * only, so a well-formed header costs nothing more.
 */
export function malformedAuthorization(ctx: RequestContext): AuthError {
  if (ctx.header("authorization")?.includes(",")) {
    return new InvalidRequestError(
      "The request carries several Authorization values (repeated headers are joined with commas); send exactly one `Bearer <token>`.",
    );
  }
  return new InvalidTokenError(
    "The Authorization header must be `Bearer <token>`; fix the client that sends it.",
  );
}

/**
 * The error for a token that fails {@link isWellFormedToken} before any upstream call: from the
 * Authorization header it is a malformed request (400, saying so, rather than "invalid or
 * expired"); from the cookie an invalid token (401). Error path only.
 */
export function malformedToken(ctx: RequestContext): AuthError {
  if (ctx.header("authorization") === undefined) return new InvalidTokenError();
  return new InvalidRequestError(
    `The Authorization header is malformed: a Bearer token consists of letters, digits and -._~+/= (at most ${MAX_TOKEN_LENGTH} characters); fix the client that sends it.`,
  );
}

/**
 * Extracts the access token: `Authorization: Bearer <token>` (or `DPoP <token>`) first, else the
 * access cookie.
 * Returns null when none was sent; throws {@link InvalidTokenError} (401) for a malformed
 * Authorization header (a token was sent but is unusable) and {@link InvalidRequestError} (400)
 * for several of them. (node:http keeps only the first of repeated Authorization headers; a Web
 * `Request` joins them.)
 *
 * @example
 * const token = extractBearerToken(req); // IncomingMessage, Web Request, Headers…
 */
export function extractBearerToken(
  request: RequestLike,
  options: { cookieName?: string } = {},
): string | null {
  const ctx = toRequestContext(request);
  const token = readToken(ctx, options.cookieName ?? DEFAULT_ACCESS_TOKEN_COOKIE_NAME);
  if (token === MALFORMED) throw malformedAuthorization(ctx);
  return token;
}
