/** RFC 7230 `tchar`s: what a WebSocket subprotocol may carry. */
export const TCHARS = /^[\w!#$%&'*+.^`|~-]+$/;

/** Tokens we accept: tchars plus RFC 6750 b64token's `/` and `=`; never spaces, commas, quotes. */
export const TOKEN_CHARS = /^[\w!#$%&'*+./=^`|~-]+$/;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const isBrowser = (): boolean => typeof window !== "undefined";

/** 32 random bytes, base64url (the contract's `state`). */
export function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
