import { AuthClientError } from "./AuthClientError";

/** RFC 7230 `tchar`s: what a WebSocket subprotocol may carry. */
export const TCHARS = /^[\w!#$%&'*+.^`|~-]+$/;

/** Tokens we accept: tchars plus RFC 6750 b64token's `/` and `=`; never spaces, commas, quotes. */
export const TOKEN_CHARS = /^[\w!#$%&'*+./=^`|~-]+$/;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An `invalid_argument` error: the app passed or set up something wrong; `message` says what. */
export const badArgument = (message: string): AuthClientError =>
  new AuthClientError("invalid_argument", message);

export const isBrowser = (): boolean => typeof window !== "undefined";

/** Where a pending redirect sign-in waits (sessionStorage: this tab only, gone with it). */
export const REDIRECT_KEY = "oxa-auth:redirect";

const IN_APP = /FBA[NV]|Instagram|Line\/|MicroMessenger|GSA\/|LinkedInApp|Twitter|TikTok|Snapchat/;

/** Whether a popup cannot work here: an installed app (standalone) or a known in-app browser. */
export const popupUnfit = (): boolean | undefined =>
  matchMedia("(display-mode: standalone)").matches ||
  (navigator as { standalone?: boolean }).standalone ||
  IN_APP.test(navigator.userAgent);
