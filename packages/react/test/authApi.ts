import { createMockAuthHandlers, type MockAuthHandlersOptions } from "@org/auth-mock-server/msw";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { AUTH } from "./helpers";

/**
 * The auth API for tests: the real mock (`@org/auth-mock-server/msw`) behind msw, plus a
 * per-endpoint request counter.
 *
 * It runs the mock's own request handler (`mock.respond`, what its msw handlers call), but keeps
 * the auth origin's cookies in a small jar here, like a browser would: under happy-dom the global
 * Headers drop `Set-Cookie`, and msw's jar keeps only the first of several cookies, so the
 * HttpOnly refresh cookie would be lost. Non-HttpOnly cookies of a same-origin auth API also
 * land in `document.cookie`, as in a browser.
 */
export function startAuthApi(options: MockAuthHandlersOptions = {}) {
  const { mock } = createMockAuthHandlers({ baseUrl: AUTH, ...options });
  const jar = new Map<string, string>();
  const sameOrigin = mock.baseUrl === location.origin;
  const store = (setCookie: string) => {
    const [pair = "", ...attrs] = setCookie.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const gone = attrs.some((a) => /^max-age=0$/i.test(a)) || value === "";
    gone ? jar.delete(name) : jar.set(name, value);
    if (sameOrigin && !attrs.some((a) => /^httponly$/i.test(a))) {
      // biome-ignore lint/suspicious/noDocumentCookie: emulating the browser for a JS-readable cookie
      document.cookie = `${name}=${value}; Path=/${gone ? "; Max-Age=0" : ""}`;
    }
  };
  const server = setupServer(
    http.all(`${mock.baseUrl}/*`, async ({ request }) => {
      const withCookies = request.credentials === "include" || sameOrigin;
      const cookie = withCookies ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
      const r = await mock.respond({
        method: request.method,
        url: request.url,
        headers: {
          get: (name) =>
            name.toLowerCase() === "cookie" ? cookie || null : request.headers.get(name),
        },
        text: () => request.text(),
      });
      for (const c of r.cookies) store(c);
      return new HttpResponse(r.status === 204 ? null : r.body, {
        status: r.status,
        headers: r.headers,
      });
    }),
  );
  const counts: Record<string, number> = {};
  server.events.on("request:start", ({ request }) => {
    const key = `${request.method} ${new URL(request.url).pathname}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  server.listen({ onUnhandledRequest: "error" });
  return {
    server,
    mock,
    counts,
    jar,
    /** Runs login → mock IdP → callback for `state`; returns the code the callback would post. */
    async codeFor(state: string): Promise<string> {
      const message = await mock.completeLogin({ state, origin: location.origin });
      if (message.type !== "OXA_AUTH_SUCCESS") throw new Error(`login failed: ${message.reason}`);
      return message.code;
    },
    /** Forgets every session and refresh token (as if revoked elsewhere). */
    signOutEverywhere: () => void mock.reset(),
    close: () => {
      server.close();
      if (sameOrigin) for (const name of jar.keys()) store(`${name}=; Max-Age=0`);
    },
  };
}
