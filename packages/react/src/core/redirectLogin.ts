import { AuthClientError, loginFailed } from "./AuthClientError";
import { randomState } from "./internal";

/** Where the pending redirect sign-in waits, in this tab only. */
const KEY = "oxa-auth:redirect";
/** How long a redirect sign-in may take. */
const MAX_AGE_MS = 600_000;
const IN_APP =
  /FBAN|FBAV|Instagram|Line\/|MicroMessenger|GSA\/|LinkedInApp|Twitter|TikTok|Snapchat/;

/** Whether a popup cannot work here: an installed app (standalone) or a known in-app browser. */
export const popupUnfit = (): boolean =>
  matchMedia?.("(display-mode: standalone)").matches ||
  (navigator as { standalone?: boolean }).standalone === true ||
  IN_APP.test(navigator.userAgent);

/** `url` made absolute when it is on this page's origin; else an `invalid_argument` error. */
function sameOrigin(url: string): string {
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
 * Starts a redirect sign-in: remembers `state` and where to come back to in sessionStorage,
 * then navigates the whole page to `loginUrl(state)`.
 */
export function startRedirect(loginUrl: (state: string) => string, returnTo = location.href): void {
  const state = randomState();
  const entry = { state, returnTo: sameOrigin(returnTo), createdAt: Date.now() };
  sessionStorage.setItem(KEY, JSON.stringify(entry));
  location.assign(loginUrl(state));
}

let taken: string | AuthClientError | null = null;

/**
 * Reads a redirect sign-in's return from the URL fragment, once: removes the one-time parameters
 * from the URL and history (restoring the page the sign-in started on) and the stored state,
 * then checks the state. {@link takeRedirectReturn} hands the outcome to one client.
 */
export function readRedirectReturn(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const state = params.get("oxa_auth_state");
  if (!state) return;
  let entry: Record<string, unknown> = {};
  try {
    entry = JSON.parse(sessionStorage.getItem(KEY)!) ?? {};
  } catch {}
  // Removed first: a reload, the back button or a second mount cannot use it again.
  sessionStorage.removeItem(KEY);
  const valid = entry.state === state && Date.now() - Number(entry.createdAt) < MAX_AGE_MS;
  try {
    history.replaceState(history.state, "", valid ? sameOrigin(String(entry.returnTo)) : "#");
  } catch {
    history.replaceState(history.state, "", "#");
  }
  const code = params.get("oxa_auth_code");
  taken = !valid
    ? new AuthClientError(
        "invalid_state",
        "Not a sign-in started here; let the user sign in again.",
      )
    : (code ?? loginFailed(params.get("oxa_auth_error")));
}
/** The one-time code (or the error) of the redirect return read on load; null once taken. */
export function takeRedirectReturn(): string | AuthClientError | null {
  const t = taken;
  taken = null;
  return t;
}
