import { http, type RequestHandler } from "msw";
import { createMockAuth, type MockAuth, type MockAuthOptions } from "../core/createMockAuth.js";

/** Options of the msw handlers: every mock setting; `baseUrl` is the origin to intercept. */
export interface MockAuthHandlersOptions extends MockAuthOptions {
  /** Origin the app calls as its auth API, e.g. `http://127.0.0.1:8765` (the default). */
  baseUrl?: string;
}

/** msw handlers for the whole mock origin, plus the mock itself (state, completeLogin…). */
export interface MockAuthHandlers {
  /** Pass to `setupServer(...handlers)` / `setupWorker(...handlers)`. */
  handlers: RequestHandler[];
  /** The same handler object the HTTP server uses: change or inspect state at run time. */
  mock: MockAuth;
}

/**
 * msw handlers that answer every request to `baseUrl` with the mock's own request handler
 * (the code path of the HTTP server, not a copy). Cookies set by the mock are kept by msw's
 * cookie store and sent back on later requests, like a browser would.
 *
 * @example
 * import { setupServer } from "msw/node";
 * import { createMockAuthHandlers } from "@org/auth-mock-server/msw";
 *
 * const { handlers, mock } = createMockAuthHandlers({ baseUrl: "http://127.0.0.1:8765" });
 * const server = setupServer(...handlers);
 * server.listen();
 * mock.setState({ permissions: ["read", "audit"] });
 * const message = await mock.completeLogin({ state, origin: "http://localhost:3000" });
 * window.dispatchEvent(new MessageEvent("message", { data: message, origin: mock.baseUrl }));
 */
export function createMockAuthHandlers(options: MockAuthHandlersOptions = {}): MockAuthHandlers {
  const mock = createMockAuth(options);
  const handlers = [http.all(`${mock.baseUrl}/*`, ({ request }) => mock.fetch(request))];
  return { handlers, mock };
}
