import type { Ctx } from "./context.js";

/** The rotation mark of a refresh token's record: when it was first exchanged, null before. */
export interface Rotation {
  /** Epoch ms of the first exchange; null while the token is unused. */
  rotatedAt: number | null;
}

/**
 * Whether a presented refresh token is a replay that must end its session (RFC 9700 §4.14).
 * A token rotated less than `refreshReuseInterval` seconds ago still refreshes: a page reloaded
 * while its refresh was being answered never stored the new token and presents the old one
 * again, which is the user's own browser, not a thief. Mark the exchange with `markRotated`.
 */
export function refreshTokenReused(ctx: Ctx, record: Rotation): boolean {
  if (record.rotatedAt === null) return false;
  return ctx.now() - record.rotatedAt >= ctx.state.refreshReuseInterval * 1000;
}

/** Marks a refresh token exchanged; the first exchange starts its reuse interval. */
export function markRotated(ctx: Ctx, record: Rotation): void {
  record.rotatedAt ??= ctx.now();
}
