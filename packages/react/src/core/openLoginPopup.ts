import { loginFailed } from "./loginFailed";
import { randomState } from "./randomState";
import { AuthClientError, isRecord } from "./signInParts";

const POLL_MS = 500;
/** COOP can make `popup.closed` read true while the login is still running: wait before giving up. */
const CLOSED_POLLS = 4;

/**
 * Navigates the (blank) login popup to `loginUrl(state)` once it listens, and resolves with the
 * one-time code of the first message that comes from `authOrigin`, from the popup, with our state.
 */
export function openLoginPopup(
  popup: Window,
  loginUrl: (state: string) => string,
  authOrigin: string,
  timeoutMs: number,
): Promise<string> {
  const state = randomState();
  return new Promise<string>((resolve, reject) => {
    // Same-origin deployments only: the callback falls back to this channel when COOP cut the opener.
    const channel =
      authOrigin === location.origin && typeof BroadcastChannel === "function"
        ? new BroadcastChannel(`oxa-auth:${state}`)
        : undefined;
    let closedPolls = 0;
    const finish = (error: AuthClientError | null, code = "") => {
      clearInterval(poll);
      clearTimeout(timer);
      removeEventListener("message", onMessage);
      channel?.close();
      error ? reject(error) : resolve(code);
    };
    const handle = (data: unknown) => {
      if (!isRecord(data) || data.state !== state) return;
      if (data.type === "OXA_AUTH_SUCCESS" && typeof data.code === "string" && data.code) {
        finish(null, data.code);
      } else if (data.type === "OXA_AUTH_FAILURE") {
        finish(loginFailed(data.reason));
      }
    };
    const onMessage = (e: MessageEvent) => {
      if (e.origin === authOrigin && e.source === popup) handle(e.data);
    };
    addEventListener("message", onMessage);
    if (channel) channel.onmessage = (e) => handle(e.data);
    const timer = setTimeout(() => {
      popup.close();
      finish(
        new AuthClientError(
          "timeout",
          "Login timed out; let the user try again (or raise popupTimeoutMs).",
        ),
      );
    }, timeoutMs);
    const poll = setInterval(() => {
      closedPolls = popup.closed ? closedPolls + 1 : 0;
      if (closedPolls > CLOSED_POLLS) {
        finish(new AuthClientError("popup_closed", "The login popup was closed."));
      }
    }, POLL_MS);
    // Listening first: a sign-in that finishes at once cannot post before we hear it.
    // A popup the user closed already cannot be navigated: the poll above reports it.
    try {
      popup.location.href = loginUrl(state);
    } catch {}
  });
}
