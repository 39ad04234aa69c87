/**
 * The message the callback page posts to the app (contracts.md, popup login step 3).
 *
 * @example
 * const message: AuthMessage = await mock.completeLogin({
 *   state: "state-1",
 *   origin: "http://localhost:3000",
 * });
 * if (message.type === "OXA_AUTH_SUCCESS") {
 *   // Exchange message.code at POST /_oxa_auth/token-exchange, body {"code": "..."}.
 * } else {
 *   console.error(message.reason, message.message);
 * }
 */
export type AuthMessage =
  | { type: "OXA_AUTH_SUCCESS"; state: string; code: string }
  | { type: "OXA_AUTH_FAILURE"; state: string; reason: string; message: string };

/** What the callback page needs to finish the login in the browser. */
export interface CallbackPageData {
  message: AuthMessage;
  /** The app origin that started the login; the only `targetOrigin` ever used. */
  targetOrigin: string | null;
  /** Where a page that is not a popup goes afterwards (already validated). */
  returnTo: string | null;
  /** Same-origin token-exchange URL, used only when the page is a top-level tab. */
  exchangeUrl: string;
}

/** JSON safe inside a `<script>` element: no `</script>`, `<!--`, U+2028/2029 surprises. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text safe in HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/*
 * Order matters: opener first (postMessage to the app origin only), else the BroadcastChannel
 * (the browser limits it to same-origin pages, so it cannot leak), then close. A script may only
 * close a window it opened, so a page still open after that is a top-level tab: it exchanges the
 * code itself (same-origin, sets the cookies) and goes to return_to.
 */
const SCRIPT = `(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("oxa-auth-data").textContent);
  var msg = data.message;
  function go() { if (data.returnTo) window.location.replace(data.returnTo); }
  function fallback() {
    if (msg.type === "OXA_AUTH_SUCCESS" && data.returnTo) {
      fetch(data.exchangeUrl, { method: "POST", credentials: "include",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code: msg.code }) })
        .then(go, go);
    } else { go(); }
  }
  function finish() { try { window.close(); } catch (e) {} setTimeout(fallback, 300); }
  var opener = null;
  try { opener = window.opener; } catch (e) { opener = null; }
  if (opener && !opener.closed && data.targetOrigin) {
    opener.postMessage(msg, data.targetOrigin);
    return finish();
  }
  if (typeof BroadcastChannel === "function" && msg.state) {
    var channel = new BroadcastChannel("oxa-auth:" + msg.state);
    channel.postMessage(msg);
    channel.close();
  }
  finish();
})();`;

/** Content-Security-Policy for the callback page: only the nonce'd script and style run. */
export function callbackCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The HTML of `GET /_oxa_auth/callback`. Everything dynamic is escaped. */
export function renderCallbackPage(data: CallbackPageData, nonce: string): string {
  const ok = data.message.type === "OXA_AUTH_SUCCESS";
  const title = ok ? "Signed in" : "Sign-in failed";
  const text = ok
    ? "You are signed in. This window closes by itself."
    : `Sign-in failed: ${data.message.type === "OXA_AUTH_FAILURE" ? data.message.message : ""}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{font:16px system-ui,sans-serif;margin:3rem;color:#222}</style>
</head>
<body>
<p id="oxa-auth-status">${escapeHtml(text)}</p>
<script type="application/json" id="oxa-auth-data">${jsonForScript(data)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
