import type { Ctx } from "./context.js";
import { randomToken } from "./random.js";

/**
 * The rotation mark of a refresh token's record: null while unused; after the first exchange,
 * when it happened and the successor it answered (kept only while a repeat may return it).
 */
export interface Rotation {
  rotated: { at: number; successor: string | null } | null;
}

/** The refresh token to answer, and whether it is new (its record is still to be stored). */
export interface Successor {
  refreshToken: string;
  isNew: boolean;
}

/**
 * Exchange a presented refresh token (RFC 9700 §4.14): the first exchange answers a new
 * successor; a repeat within `refreshReuseInterval` seconds of it answers that same successor
 * (a page reloaded mid-refresh never stored it: the user's own browser, and a thief holding a
 * copy gets no family of its own); a later repeat is reuse and answers null: end the family.
 *
 * @example
 * const successor = rotateRefreshToken(ctx, record);
 * if (successor === null) revokeSession(ctx, record.sid);
 */
export function rotateRefreshToken(ctx: Ctx, record: Rotation): Successor | null {
  const now = ctx.now();
  const interval = ctx.state.refreshReuseInterval * 1000;
  if (record.rotated === null) {
    const refreshToken = randomToken();
    record.rotated = { at: now, successor: interval > 0 ? refreshToken : null };
    return { refreshToken, isNew: true };
  }
  const successor = record.rotated.successor;
  if (successor === null || now - record.rotated.at >= interval) {
    record.rotated.successor = null;
    return null;
  }
  return { refreshToken: successor, isNew: false };
}
