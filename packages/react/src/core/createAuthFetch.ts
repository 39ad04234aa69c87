import type { AuthClient } from "./AuthClient";

function withBearer(request: Request, token: string): Request {
  const r = new Request(request);
  r.headers.set("authorization", `Bearer ${token}`);
  return r;
}

/**
 * A `fetch` that adds `Authorization: Bearer …` for the client's allowed API origins only and,
 * on a 401, refreshes once and retries once. Other origins get the request untouched.
 *
 * @example
 * const authFetch = createAuthFetch(client);
 * const res = await authFetch("https://api.example.com/v1/me");
 */
export function createAuthFetch(client: AuthClient): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const token = client.isAllowedUrl(request.url) ? await client.getAccessToken() : null;
    if (!token) return fetch(request);
    const retry = request.clone();
    const res = await fetch(withBearer(request, token));
    if (res.status !== 401) return res;
    const fresh = await client.renewToken(token).catch(() => null);
    return fresh && fresh !== token ? fetch(withBearer(retry, fresh)) : res;
  };
}
