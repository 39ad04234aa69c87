import type { JWTPayload } from "jose";
import type { Ctx } from "./context.js";
import type { VerifyOptions } from "./signer.js";
import { tokenHash } from "./tokenId.js";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_LENGTH = 16_384;

/**
 * A live access token the mock issued: its claims, its header `typ`, the login session it
 * belongs to (null for none) and its `tokenHash`.
 *
 * @example
 * const issued: IssuedToken | undefined = await verifyIssuedToken(ctx, token);
 * if (issued?.sid) revokeSession(ctx, issued.sid);
 */
export interface IssuedToken {
  payload: JWTPayload & { exp: number; jti: string };
  typ: unknown;
  sid: string | null;
  hash: string;
}

/**
 * A JWT this mock signed that is still live: signature, issuer, audience and expiry; an access
 * token (every one the mock issues has a `jti`; ID tokens do not); not revoked itself (in any
 * spelling); and, when it names a login session, that session is still known (logout, reuse and
 * revoked grants delete it; an unknown one fails closed).
 *
 * @example
 * const issued = await verifyIssuedToken(ctx, token, { audience: null });
 * if (!issued) return jsonError(401, "invalid_token", "log in again");
 */
export async function verifyIssuedToken(
  ctx: Ctx,
  token: string,
  options?: VerifyOptions,
): Promise<IssuedToken | undefined> {
  if (token.length > MAX_LENGTH || !JWT_SHAPE.test(token)) return undefined;
  const payload = await ctx.signer.verify(token, ctx.now(), options);
  if (!payload || typeof payload.exp !== "number" || typeof payload.jti !== "string")
    return undefined;
  const hash = await tokenHash(token);
  const issuedAt = typeof payload.iat === "number" ? payload.iat * 1000 : Number.NEGATIVE_INFINITY;
  if (ctx.revoked.has(hash, issuedAt, payload.exp * 1000)) return undefined;
  const sid = sessionOf(payload);
  if (sid !== null && !ctx.sessions.has(sid)) return undefined;
  return { payload: payload as IssuedToken["payload"], typ: headerType(token), sid, hash };
}

/** The login session a token names: `sid`, or Supabase's `session_id` (its claim preset). */
function sessionOf(payload: JWTPayload): string | null {
  if (typeof payload.sid === "string") return payload.sid;
  return typeof payload.session_id === "string" ? payload.session_id : null;
}

/** The verified token's header `typ` (`at+jwt` for the OpenID provider's access tokens). */
function headerType(token: string): unknown {
  try {
    const segment = (token.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(segment)).typ;
  } catch {
    return undefined;
  }
}
