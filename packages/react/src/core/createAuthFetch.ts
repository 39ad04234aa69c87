import { AuthClientError } from "./AuthClientError";

/**
 * What {@link createAuthFetch} needs from a session: an `AuthClient` is one.
 *
 * @example
 * const source: AuthTokenSource = {
 *   isAllowedUrl: (url) => new URL(url).origin === "https://api.example.com",
 *   getAccessToken: async () => sessionStorage.getItem("token"),
 *   renewToken: async () => null,
 * };
 * const authFetch = createAuthFetch(source);
 */
export interface AuthTokenSource {
  /** Whether `url` may receive the token. */
  isAllowedUrl(url: string): boolean;
  /** A token to send, or null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** A token newer than `rejected`, or null when the session is over. */
  renewToken(rejected: string): Promise<string | null>;
  /**
   * Looks at every 401 first: null when it is no RFC 9470 step-up challenge (then the token is
   * refreshed as usual), else the response to return (the request `resend` with a token of a
   * stronger sign-in; `res` again for a null or unchanged token), or rejects.
   */
  onStepUp?(
    res: Response,
    resend: (token: string | null) => Response | Promise<Response>,
  ): Promise<Response | null>;
}

// The browser says only "Failed to fetch": a CORS refusal and an unreachable API look the same.
// The message names the origin, never the URL (a URL may carry a token) nor the token.
const send = (request: Request, transport: typeof fetch = fetch) =>
  transport(request).catch((cause: unknown) => {
    throw cause instanceof TypeError
      ? new AuthClientError(
          "network_error",
          `Failed before reaching ${new URL(request.url).origin}: CORS, or the API is down?`,
          undefined,
          { cause },
        )
      : cause;
  });

function withBearer(request: Request, token: string): Request {
  const r = new Request(request);
  r.headers.set("authorization", `Bearer ${token}`);
  return r;
}

/**
 * A `fetch` that adds `Authorization: Bearer …` for the client's allowed API origins only and,
 * on a 401, refreshes once and retries once (a step-up challenge goes to `onStepUp` instead).
 * Other origins get the request untouched. A request that never reaches the server (CORS, network, API down) rejects with an `AuthClientError`
 * `network_error` whose `cause` is the browser's `TypeError`; an abort rejects as it was.
 *
 * @example
 * const authFetch = createAuthFetch(client);
 * const res = await authFetch("https://api.example.com/v1/me");
 */
export function createAuthFetch(client: AuthTokenSource, transport?: typeof fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const token = client.isAllowedUrl(request.url) ? await client.getAccessToken() : null;
    if (!token) return send(request, transport);
    const retry = request.clone();
    const res = await send(withBearer(request, token), transport);
    if (res.status !== 401) return res;
    // A step-up challenge is not expiry: a refreshed token would carry the same sign-in.
    const resend = (fresh: string | null) =>
      fresh && fresh !== token ? send(withBearer(retry, fresh), transport) : res;
    return (
      (await client.onStepUp?.(res, resend)) ??
      resend(await client.renewToken(token).catch(() => null))
    );
  };
}
