import type { Tokens } from "./authApi";
import { isRecord, TOKEN_CHARS } from "./internal";

/** The BroadcastChannel the tabs of one origin share. */
export const SESSION_CHANNEL = "oxa-auth-session";

/** What a tab tells the others: a sign-in (or refresh) with its token, or a sign-out. */
export type SessionMessage =
  | ({ t: "in"; at: number; newSession?: unknown } & Tokens)
  | { t: "out"; at: number };

/** How far ahead of our clock a message may be dated (the tabs share one clock). */
const MAX_SKEW_MS = 60_000;
/** The longest access-token lifetime a message may announce. */
const MAX_LIFETIME_MS = 86_400_000;

/** Whether `n` is a number in [min, max] (NaN and ±Infinity never are). */
const within = (n: unknown, min: number, max: number): n is number =>
  typeof n === "number" && n >= min && n <= max;

/**
 * The message in `data` when it is a well-formed one dated between `since` and now (any
 * same-origin page can post on the channel: nothing unbounded gets through); else null. The
 * token of a sign-in still needs the auth API's confirmation.
 */
export function readSessionMessage(data: unknown, since: number): SessionMessage | null {
  const now = Date.now();
  if (!isRecord(data) || !within(data.at, since, now + MAX_SKEW_MS)) return null;
  return data.t === "out" ||
    (data.t === "in" &&
      typeof data.token === "string" &&
      data.token.length <= 16_384 &&
      TOKEN_CHARS.test(data.token) &&
      within(data.expiresAt, now, now + MAX_LIFETIME_MS))
    ? (data as SessionMessage)
    : null;
}
