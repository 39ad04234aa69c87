import { AuthClientError } from "./AuthClientError";
import { isRecord } from "./internal";

const POLL_MS = 500;
/** COOP can make `popup.closed` read true while the login is still running: wait before giving up. */
const CLOSED_POLLS = 4;

/** 32 random bytes, base64url (the contract's `state`). */
function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function features(): string {
  const w = 500;
  const h = 640;
  const left = Math.round(window.screenX + (window.outerWidth - w) / 2);
  const top = Math.round(window.screenY + (window.outerHeight - h) / 2);
  return `popup,width=${w},height=${h},left=${left},top=${top}`;
}

/**
 * Opens the login popup synchronously (call it straight from a click handler) and resolves with the
 * one-time code of the first message that comes from `authOrigin`, from the popup, with our state.
 */
export function openLoginPopup(
  loginUrl: (state: string) => string,
  authOrigin: string,
  timeoutMs: number,
): Promise<string> {
  const state = randomState();
  const popup = window.open(loginUrl(state), "oxa-auth-login", features());
  if (!popup) {
    return Promise.reject(
      new AuthClientError(
        "popup_blocked",
        "The login popup was blocked: call login() directly from a click handler, or ask the user to allow popups.",
      ),
    );
  }
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
        const reason = typeof data.reason === "string" ? data.reason : "unknown";
        finish(
          new AuthClientError(
            "login_failed",
            `Login failed (${reason}); let the user try again.`,
            reason,
          ),
        );
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
          "Login did not finish in time; let the user try again (or raise popupTimeoutMs).",
        ),
      );
    }, timeoutMs);
    const poll = setInterval(() => {
      closedPolls = popup.closed ? closedPolls + 1 : 0;
      if (closedPolls > CLOSED_POLLS) {
        finish(new AuthClientError("popup_closed", "The login popup was closed before sign-in."));
      }
    }, POLL_MS);
  });
}
