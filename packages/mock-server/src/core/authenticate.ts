import { boundKey } from "./checkDpopProof.js";
import type { Ctx } from "./context.js";
import { readCookie } from "./cookies.js";
import { constantTimeEqual } from "./random.js";
import type { RequestLike } from "./responses.js";
import { verifyIssuedToken } from "./verifyIssuedToken.js";

/** Who a token belongs to, as far as the mock is concerned. */
export interface Identity {
  kind: "static" | "forbidden" | "jwt";
  /** Unix seconds, or null for static tokens (they never expire). */
  expiresAt: number | null;
  sid: string | null;
  /** The DPoP key a JWT is bound to (`cnf.jkt`), if any. */
  jkt?: string;
}

/**
 * The presented access token: `Authorization: Bearer` first (scheme case-insensitive), then
 * the access cookie. A present but malformed header counts as an invalid token (contracts.md).
 */
export function presentedToken(ctx: Ctx, request: RequestLike): string | null | "malformed" {
  const header = request.headers.get("authorization");
  if (header !== null) {
    const match = /^(?:Bearer|DPoP)[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header);
    return match?.[1] ?? "malformed";
  }
  return readCookie(request.headers.get("cookie"), ctx.settings.accessCookieName) || null;
}

/**
 * Validate a token: forbidden token, static tokens, then the mock's own live JWTs that name a
 * user. An access token of the OpenID provider (`at+jwt`) without a session is an app's (client
 * credentials, `mintToken({ appOnly: true })`): it is nobody, never the configured user.
 */
export async function authenticate(ctx: Ctx, token: string): Promise<Identity | undefined> {
  const { state, settings } = ctx;
  if (state.forbiddenToken && constantTimeEqual(token, state.forbiddenToken)) {
    return { kind: "forbidden", expiresAt: null, sid: null };
  }
  let isStatic = constantTimeEqual(token, settings.accessTokenValue);
  for (const t of state.tokens) isStatic = constantTimeEqual(token, t) || isStatic;
  if (isStatic) return { kind: "static", expiresAt: null, sid: null };
  const issued = await verifyIssuedToken(ctx, token);
  if (!issued || (issued.sid === null && issued.typ === "at+jwt")) return undefined;
  const jkt = boundKey(issued.payload);
  return { kind: "jwt", expiresAt: issued.payload.exp, sid: issued.sid, ...(jkt ? { jkt } : {}) };
}
