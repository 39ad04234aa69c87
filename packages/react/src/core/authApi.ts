import { isRecord, TOKEN_CHARS } from "./internal";

/** An access token and when it expires (epoch ms). */
export interface Tokens {
  token: string;
  expiresAt: number;
}

/** The URL of the auth API endpoint `path` (`{base}/_oxa_auth/{path}`). */
export const authApiUrl = (base: string, path: string): string => `${base}/_oxa_auth/${path}`;

/** The tokens of a `token-exchange` / `refresh` answer, or null when it is not a valid one. */
export async function readTokens(res: Response | null): Promise<Tokens | null> {
  const b: unknown = res?.ok ? await res.json().catch(() => null) : null;
  if (
    !isRecord(b) ||
    typeof b.access_token !== "string" ||
    !TOKEN_CHARS.test(b.access_token) ||
    typeof b.expires_in !== "number" ||
    !(b.expires_in > 0) ||
    (b.token_type !== undefined && !/^(bearer|dpop)$/i.test(b.token_type as string))
  ) {
    return null;
  }
  return { token: b.access_token, expiresAt: Date.now() + b.expires_in * 1000 };
}

/**
 * `POST` with the auth API's cookies (and a Bearer token when given) through `send` (the client's
 * fetch, which adds a DPoP proof when the client uses DPoP); null on a network error.
 */
export const post = (
  send: typeof fetch,
  url: string,
  body?: unknown,
  token?: string | null,
): Promise<Response | null> =>
  send(url, {
    method: "POST",
    credentials: "include",
    headers: {
      ...(body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : null,
  }).catch(() => null);

/**
 * Whether the auth API accepts `token` (`get-me` answers 200 to it alone, no cookies): what a
 * token from another tab or from the JS-readable cookie must pass before the session uses it.
 */
export const confirmToken = (send: typeof fetch, base: string, token: string): Promise<boolean> =>
  send(authApiUrl(base, "get-me"), {
    credentials: "omit",
    headers: { authorization: `Bearer ${token}` },
  }).then(
    (res) => res.ok,
    () => false,
  );
