import { authWebSocketProtocols } from "../core/authWebSocketProtocols";
import { useMemo } from "./peers";
import { useAllowedToken } from "./useAuthWebSocketUrl";

/**
 * The subprotocol list carrying the current token for a socket to `url`, or null while signed
 * out. {@link useAuthWebSocket} also hands back the absolute URL that was checked: prefer it for
 * relative URLs. For reconnect loops call `getAccessToken()` on each attempt instead.
 *
 * @example
 * const protocols = useAuthWebSocketProtocols(url);
 * useEffect(() => { if (!protocols) return; const ws = new WebSocket(url, protocols); return () => ws.close(); }, [protocols]);
 */
export function useAuthWebSocketProtocols(url: string | URL): string[] | null {
  return useAuthWebSocket(url)?.protocols ?? null;
}

/**
 * The absolute URL to connect to (checked against the allowed origins, resolved as the browser
 * resolves it) and the subprotocol list carrying the current token; null while signed out.
 *
 * @example
 * const socket = useAuthWebSocket("/ws");
 * useEffect(() => {
 *   if (!socket) return;
 *   const ws = new WebSocket(socket.url, socket.protocols);
 *   return () => ws.close();
 * }, [socket]);
 */
export function useAuthWebSocket(url: string | URL): { url: string; protocols: string[] } | null {
  const allowed = useAllowedToken(url);
  const token = allowed?.token;
  const checked = allowed?.url;
  // Stable per token and URL, so it can sit in an effect's dependencies without reconnect loops.
  return useMemo(
    () => (token && checked ? { url: checked, protocols: authWebSocketProtocols(token) } : null),
    [token, checked],
  );
}
