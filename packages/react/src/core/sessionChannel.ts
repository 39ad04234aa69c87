import type { Tokens } from "./authApi";
import { isRecord, TOKEN_CHARS } from "./internal";

/** The BroadcastChannel the tabs of one origin share. */
export const SESSION_CHANNEL = "oxa-auth-session";

/** What a tab tells the others: a sign-in (or refresh) with its token, or a sign-out. */
export type SessionMessage =
  | ({ t: "in"; at: number; newSession: boolean } & Tokens)
  | { t: "out"; at: number };

/** The message in `data` when it is one, newer than `since`; else null. */
export function readSessionMessage(data: unknown, since: number): SessionMessage | null {
  if (!isRecord(data) || typeof data.at !== "number" || data.at < since) return null;
  if (data.t === "out") return { t: "out", at: data.at };
  if (
    data.t === "in" &&
    typeof data.token === "string" &&
    TOKEN_CHARS.test(data.token) &&
    typeof data.expiresAt === "number"
  ) {
    return {
      t: "in",
      at: data.at,
      token: data.token,
      expiresAt: data.expiresAt,
      newSession: data.newSession === true,
    };
  }
  return null;
}
