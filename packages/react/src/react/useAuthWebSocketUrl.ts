import { AuthClientError } from "../core/AuthClientError";
import { withAccessToken } from "../core/withAccessToken";
import { useAuthClient, useAuthState } from "./useAuthClient";

/** The current token, refusing URLs whose origin may not receive it. */
export function useAllowedToken(url: string | URL): string | null {
  const client = useAuthClient();
  const { token } = useAuthState();
  if (token && !client.isAllowedUrl(url)) {
    throw new AuthClientError(
      "invalid_argument",
      `${url} is not an allowed API origin: add its origin to apiOrigins.`,
    );
  }
  return token;
}

/**
 * `url` with the current token as `access_token` query parameter, or null while signed out.
 * Prefer {@link useAuthWebSocketProtocols}: URLs end up in access logs.
 *
 * @example
 * const wsUrl = useAuthWebSocketUrl("wss://api.example.com/ws");
 * useEffect(() => { if (!wsUrl) return; const ws = new WebSocket(wsUrl); return () => ws.close(); }, [wsUrl]);
 */
export function useAuthWebSocketUrl(url: string | URL): string | null {
  const token = useAllowedToken(url);
  return token ? withAccessToken(url, token) : null;
}
