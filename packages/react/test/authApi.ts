import { createMockAuthHandlers, type MockAuthHandlersOptions } from "@org/auth-mock-server/msw";
import { setupServer } from "msw/node";
import { AUTH } from "./helpers";

/**
 * The auth API for tests: the published msw handlers of `@org/auth-mock-server` (the mock's own
 * request handler and its browser-like cookie jar, which also mirrors the JS-readable access
 * cookie into `document.cookie` when the auth API is same-origin), plus a per-endpoint request
 * counter.
 */
export function startAuthApi(options: MockAuthHandlersOptions = {}) {
  const { handlers, mock, cookies } = createMockAuthHandlers({ baseUrl: AUTH, ...options });
  const server = setupServer(...handlers);
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
    cookies,
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
      cookies.clear();
      if (mock.baseUrl === location.origin) {
        // biome-ignore lint/suspicious/noDocumentCookie: undo what the handlers mirrored, so tests stay independent
        document.cookie = `${mock.settings.accessCookieName}=; Path=/; Max-Age=0`;
      }
    },
  };
}
