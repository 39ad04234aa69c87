/**
 * The handler's framework-free response: adapters turn it into a Response or a node reply.
 *
 * @example
 * const out: MockResponse = await mock.respond(new Request(`${mock.baseUrl}/.well-known/jwks.json`));
 * out.status; // 200
 * out.headers["content-type"]; // "application/json; charset=utf-8"
 * JSON.parse(out.body).keys; // the public signing key(s)
 */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values, one per cookie. */
  cookies: string[];
  body: string;
}

/**
 * The parts of a Fetch `Request` the handler reads; a real `Request` satisfies it.
 *
 * @example
 * const request: RequestLike = {
 *   method: "GET",
 *   url: `${mock.baseUrl}/_oxa_auth/get-me`,
 *   headers: new Headers({ authorization: "Bearer mock-dev-token" }),
 *   text: async () => "",
 * };
 * const out = await mock.respond(request);
 */
export interface RequestLike {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Absolute request URL. */
  readonly url: string;
  /** Request headers (case-insensitive lookup). */
  readonly headers: {
    /** The header's value, or null when absent. */
    get(name: string): string | null;
  };
  /** The request body as text (read once). */
  text(): Promise<string>;
}

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** A JSON response that is never cached (it carries user data or tokens). */
export function json(status: number, body: unknown, cookies: string[] = []): MockResponse {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-content-type-options": "nosniff",
      ...NO_STORE,
    },
    cookies,
    body: JSON.stringify(body),
  };
}

/** `{ error, error_description }`: the description says how to fix the request. */
export function jsonError(
  status: number,
  error: string,
  description: string,
  extraHeaders: Record<string, string> = {},
  cookies: string[] = [],
): MockResponse {
  const response = json(status, { error, error_description: description }, cookies);
  Object.assign(response.headers, extraHeaders);
  return response;
}

/** A redirect (302, or 303 after a login) that leaks nothing through Referer, never cached. */
export function redirect(location: string, status: 302 | 303 = 302): MockResponse {
  return {
    status,
    headers: {
      location,
      "content-type": "text/plain; charset=utf-8",
      "referrer-policy": "no-referrer",
      ...NO_STORE,
    },
    cookies: [],
    body: `Redirecting to ${location}\n`,
  };
}

/** An HTML page with its own CSP. */
export function html(status: number, body: string, csp: string): MockResponse {
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": csp,
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      ...NO_STORE,
    },
    cookies: [],
    body,
  };
}

/** 204 with cookies (logout). */
export function noContent(cookies: string[] = []): MockResponse {
  return { status: 204, headers: { ...NO_STORE }, cookies, body: "" };
}
