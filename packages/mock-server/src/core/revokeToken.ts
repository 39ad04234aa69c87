import type { Ctx } from "./context.js";
import type { IssuedToken } from "./verifyIssuedToken.js";

/**
 * Refuse one token from now on, in every spelling, until it expires (RFC 7009 revocation of an
 * access token, logout with a token that has no session); backends hear its `jti`.
 *
 * @example
 * const issued = await verifyIssuedToken(ctx, token);
 * if (issued) revokeToken(ctx, issued);
 */
export function revokeToken(ctx: Ctx, token: IssuedToken): void {
  const expiresAt = token.payload.exp * 1000;
  ctx.revoked.add(token.hash, expiresAt);
  const ttlSeconds = Math.ceil((expiresAt - ctx.now()) / 1000);
  ctx.notify({ type: "revoke-token", jti: token.payload.jti, ttlSeconds });
}
