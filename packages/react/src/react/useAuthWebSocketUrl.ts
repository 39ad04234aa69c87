import { badArgument } from "../core/internal";
import { withAccessToken } from "../core/withAccessToken";
import { useAuthClient, useAuthState } from "./useAuthClient";

/**
 * The current token and the socket URL to use: `url` made absolute (as the browser will resolve
 * it, against the document's base URL) with a ws(s) scheme, or null while signed out. Throws for a
 * URL whose origin may not receive it.
 */
export function useAllowedToken(url: string | URL): { token: string; url: string } | null {
  const client = useAuthClient();
  const { token } = useAuthState();
  if (!token) return null;
  const checked = client.allowedUrl(url);
  if (!checked) {
    throw badArgument(`${url} is not an allowed API origin: add its origin to apiOrigins.`);
  }
  // A relative URL resolves against the page's http(s) base; a socket needs ws(s).
  return { token, url: checked.replace(/^http/, "ws") };
}

/**
 * `url`, made absolute with a ws(s) scheme, with the current token as `access_token` query
 * parameter, or null while signed out. Prefer {@link useAuthWebSocket}: URLs end up in access logs.
 *
 * @example
 * const wsUrl = useAuthWebSocketUrl("wss://api.example.com/ws");
 * useEffect(() => { if (!wsUrl) return; const ws = new WebSocket(wsUrl); return () => ws.close(); }, [wsUrl]);
 */
export function useAuthWebSocketUrl(url: string | URL): string | null {
  const allowed = useAllowedToken(url);
  return allowed && withAccessToken(allowed.url, allowed.token);
}
