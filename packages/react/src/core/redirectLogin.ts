import { loginFailed } from "./loginFailed";
import { randomState } from "./randomState";
import { AuthClientError, REDIRECT_KEY } from "./signInParts";

/** How long a redirect sign-in may take, from the click to the return. */
const MAX_AGE_MS = 600_000;

/** `url` made absolute when it is on this page's origin; else an `invalid_argument` error. */
export function sameOrigin(url: string): string {
  try {
    const u = new URL(url, location.href);
    if (u.origin === location.origin) return u.href;
  } catch {}
  throw new AuthClientError(
    "invalid_argument",
    `login(): returnTo must be on ${location.origin}; got "${url}".`,
  );
}

/**
 * Starts a redirect sign-in: remembers `state` and where to come back to (a URL of this origin,
 * else an `invalid_argument` error before anything happens) in this tab's sessionStorage, then
 * navigates the whole page to `loginUrl(state)`. The auth API returns to this very page (which
 * runs the SDK); the client then restores `returnTo`.
 */
export function startRedirect(loginUrl: (state: string) => string, returnTo = location.href): void {
  const state = randomState();
  sessionStorage.setItem(
    REDIRECT_KEY,
    JSON.stringify({ state, returnTo: sameOrigin(returnTo), createdAt: Date.now() }),
  );
  location.assign(loginUrl(state));
}

/**
 * Finishes a redirect return whose fragment (`hash`) and stored entry (`saved`, already removed from
 * sessionStorage) the client took on load: exchanges the one-time code when the state is the one
 * this tab stored less than 10 minutes ago; else throws the error to show (nothing exchanged).
 */
export async function finishRedirect(
  hash: string,
  saved: string | null,
  exchange: (code: string) => Promise<void>,
): Promise<void> {
  const params = new URLSearchParams(hash.slice(1));
  let entry: { state?: unknown; createdAt?: unknown } | null = null;
  try {
    entry = JSON.parse(saved ?? "null");
  } catch {}
  const state = params.get("oxa_auth_state");
  if (!state || entry?.state !== state || !(Date.now() - Number(entry.createdAt) < MAX_AGE_MS)) {
    throw new AuthClientError(
      "invalid_state",
      "This sign-in was not started in this tab (or is too old); let the user sign in again.",
    );
  }
  const code = params.get("oxa_auth_code");
  if (!code) throw loginFailed(params.get("oxa_auth_error"));
  await exchange(code);
}
