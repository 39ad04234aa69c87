import type { Ctx } from "./context.js";

/**
 * End a login session (logout, refresh-token reuse, a revoked OpenID grant): its tokens stop
 * working at once, and backends hear its `sid`.
 *
 * @example
 * revokeSession(ctx, issued.sid); // get-me answers 401 to every token of that session
 */
export function revokeSession(ctx: Ctx, sid: string): void {
  const session = ctx.sessions.get(sid);
  if (!session) return;
  ctx.sessions.delete(sid);
  const ttlSeconds = Math.ceil((session.expiresAt - ctx.now()) / 1000);
  const sub = session.persona?.id ?? ctx.state.userId;
  ctx.notify({ type: "revoke", sid, sub, ttlSeconds });
}
