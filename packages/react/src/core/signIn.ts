// The sign-in code, a chunk of its own: loaded when the user signs in or a redirect sign-in
// returns, never by a page that only uses the session.

import type { AuthClientOptions } from "./AuthClientOptions";
import type { Tokens } from "./authApi";
import { type LoginOptions, loginParams } from "./loginOptions";
import { openLoginPopup } from "./openLoginPopup";
import { finishRedirect as finishRedirectWith, sameOrigin, startRedirect } from "./redirectLogin";
import { AuthClientError, post, readTokens } from "./signInParts";

export { answerStepUp } from "./answerStepUp";
export { setSignInParts } from "./signInParts";

const MODES = /^(popup|redirect|auto)$/;

/**
 * The client's side of a code exchange: it calls `exchange` with its token-exchange URL and its
 * `send`, then takes the tokens as a new session.
 */
export type Exchange = (
  exchange: (url: string, send: typeof fetch) => Promise<Tokens>,
) => Promise<void>;

const byCode = (exchange: Exchange) => (code: string) =>
  exchange((url, send) => exchangeCode(url, code, send));

/** {@link finishRedirectWith}, the client's `exchange` given the one-time code. */
export const finishRedirect = (hash: string, saved: string | null, exchange: Exchange) =>
  finishRedirectWith(hash, saved, byCode(exchange));

/**
 * `POST token-exchange` of a one-time code (at `url`, through the client's `send`): the tokens,
 * else `exchange_failed`.
 */
export async function exchangeCode(url: string, code: string, send: typeof fetch): Promise<Tokens> {
  const res = await post(send, url, { code });
  const tokens = await readTokens(res);
  if (tokens) return tokens;
  throw new AuthClientError(
    "exchange_failed",
    `Token exchange failed (${res?.status ?? "network error"}); let the user sign in again.`,
  );
}

/**
 * Runs a sign-in at `loginUrl` (the auth API's login endpoint): in `popup` (opened by the caller,
 * still blank; null when the browser blocked it, undefined when the redirect was chosen), then
 * `exchange`s the one-time code; or by navigating the page away.
 */
export async function signIn(
  { mode = "auto", returnTo, ...options }: LoginOptions,
  popup: Window | null | undefined,
  loginUrl: string,
  client: AuthClientOptions,
  exchange: Exchange,
): Promise<void> {
  if (!MODES.test(mode)) {
    throw new AuthClientError("invalid_argument", `login(): mode must be popup, redirect or auto.`);
  }
  const params = loginParams(options);
  const to = returnTo ?? client.returnTo;
  const url = (state: string, more: Record<string, string>) =>
    `${loginUrl}?${new URLSearchParams({ state, origin: location.origin, ...more, ...params })}`;
  if (popup) {
    const returnUrl = to ? sameOrigin(to) : location.pathname + location.search;
    const code = await openLoginPopup(
      popup,
      (state) => url(state, { return_to: returnUrl }),
      new URL(loginUrl).origin,
      client.popupTimeoutMs ?? 60_000,
    );
    return byCode(exchange)(code);
  }
  if (popup === null && mode === "popup") {
    throw new AuthClientError(
      "popup_blocked",
      'Popup blocked: call login() right in a click handler, or use login({ mode: "redirect" }).',
    );
  }
  startRedirect(
    (state) => url(state, { mode: "redirect", return_to: location.origin + location.pathname }),
    to,
  );
}
