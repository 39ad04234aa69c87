import { http, type RequestHandler } from "msw";
import type { RequestLike } from "../core/responses.js";
import {
  createMockAuth,
  type MockAuth,
  type MockAuthOptions,
  toResponse,
} from "../handler/createMockAuth.js";
import { CookieJar } from "./CookieJar.js";

/**
 * Options of the msw handlers: every mock setting; `baseUrl` is the origin to intercept.
 *
 * @example
 * const options: MockAuthHandlersOptions = {
 *   baseUrl: "http://localhost:8765",
 *   permissions: ["read", "audit"],
 * };
 * const { handlers } = createMockAuthHandlers(options);
 */
export interface MockAuthHandlersOptions extends MockAuthOptions {
  /** Origin the app calls as its auth API, e.g. `http://127.0.0.1:8765` (the default). */
  baseUrl?: string;
}

/**
 * The browser cookies of the mock origin, as the msw handlers keep them.
 *
 * @example
 * const { handlers, cookies } = createMockAuthHandlers();
 * setupServer(...handlers).listen();
 * await fetch("http://127.0.0.1:8765/_oxa_auth/refresh", {
 *   method: "POST",
 *   headers: { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
 * });
 * cookies.get("OxaigenPlatformAuthAccessToken"); // the new access token
 * cookies.clear();
 */
export interface MockCookies {
  /** A cookie's value (HttpOnly included), or undefined. */
  get(name: string): string | undefined;
  /** Forget every cookie (e.g. between tests). */
  clear(): void;
}

/**
 * msw handlers for the whole mock origin, plus the mock itself (state, completeLogin…).
 *
 * @example
 * const { handlers, mock, cookies }: MockAuthHandlers = createMockAuthHandlers();
 * const server = setupServer(...handlers);
 * server.listen();
 * afterEach(() => {
 *   mock.reset();
 *   cookies.clear();
 * });
 */
export interface MockAuthHandlers {
  /** Pass to `setupServer(...handlers)` / `setupWorker(...handlers)`. */
  handlers: RequestHandler[];
  /** The same handler object the HTTP server uses: change or inspect state at run time. */
  mock: MockAuth;
  /** The cookie jar of the mock origin (what a browser would hold). */
  cookies: MockCookies;
}

/** Would a browser attach cookies to this request? (`include`, or same-origin when it is.) */
function sendsCookies(request: Request, baseUrl: string): boolean {
  if (request.credentials === "include") return true;
  if (request.credentials === "omit") return false;
  const page = typeof location === "undefined" ? undefined : location.origin;
  return page === undefined || page === "null" || page === baseUrl;
}

/** The request as the handler reads it, with the jar's cookies added like a browser would. */
function withJar(request: Request, jar: CookieJar | undefined): RequestLike {
  const own = request.headers.get("cookie");
  const fromJar = jar ? jar.header(new URL(request.url).pathname) : "";
  const cookie = [own, fromJar].filter(Boolean).join("; ") || null;
  return {
    method: request.method,
    url: request.url,
    headers: {
      get: (name) => (name.toLowerCase() === "cookie" ? cookie : request.headers.get(name)),
    },
    text: () => request.text(),
  };
}

/** Same-host page (cookies ignore ports): apply the JS-readable cookies to `document.cookie`. */
function mirrorToDocument(setCookies: readonly string[], baseUrl: string): void {
  if (typeof document === "undefined" || typeof location === "undefined") return;
  if (location.hostname !== new URL(baseUrl).hostname) return;
  for (const line of setCookies) {
    if (/;\s*HttpOnly/i.test(line)) continue;
    const pair = line.split(";")[0] ?? "";
    const maxAge = /;\s*Max-Age=(\d+)/i.exec(line)?.[1] ?? "0";
    // biome-ignore lint/suspicious/noDocumentCookie: happy-dom/jsdom lack the Cookie Store API; this is what the browser would do with the Set-Cookie.
    document.cookie = `${pair}; path=/; max-age=${maxAge}`;
  }
}

/**
 * msw handlers that answer every request to `baseUrl` with the mock's own request handler
 * (the code path of the HTTP server, not a copy), keeping the mock's cookies like a browser.
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
 */
export function createMockAuthHandlers(options: MockAuthHandlersOptions = {}): MockAuthHandlers {
  const mock = createMockAuth(options);
  const jar = new CookieJar(options.now ?? Date.now);
  const handlers = [
    http.all(`${mock.baseUrl}/*`, async ({ request }) => {
      const credentialed = sendsCookies(request, mock.baseUrl);
      const out = await mock.respond(withJar(request, credentialed ? jar : undefined));
      // Like a browser: a request that carries no cookies does not store any either.
      if (credentialed) {
        jar.store(out.cookies);
        mirrorToDocument(out.cookies, mock.baseUrl);
      }
      return toResponse(out, request.method);
    }),
  ];
  return {
    handlers,
    mock,
    cookies: { get: (name) => jar.get(name), clear: () => jar.clear() },
  };
}
