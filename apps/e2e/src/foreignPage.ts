/**
 * A page served from a different origin than the app and the auth API. It plays the attacker:
 * it opens the app (so it holds a window reference to it) and posts forged login messages.
 */
export const FOREIGN_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Not the app</title></head>
  <body>
    <h1>A foreign origin</h1>
    <script>
      window.openApp = (url) => {
        window.appWindow = window.open(url, "_blank");
        return Boolean(window.appWindow);
      };
      window.forgeSuccess = (state, code, times) => {
        for (let i = 0; i < times; i += 1) {
          window.appWindow.postMessage({ type: "OXA_AUTH_SUCCESS", state, code }, "*");
        }
      };
    </script>
  </body>
</html>
`;
