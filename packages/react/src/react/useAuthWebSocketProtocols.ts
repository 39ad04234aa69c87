import { useMemo } from "react";
import { authWebSocketProtocols } from "../core/authWebSocketProtocols";
import { useAllowedToken } from "./useAuthWebSocketUrl";

/**
 * The subprotocol list carrying the current token for a socket to `url` (recommended), or null
 * while signed out. For reconnect loops call `getAccessToken()` on each attempt instead.
 *
 * @example
 * const protocols = useAuthWebSocketProtocols(url);
 * useEffect(() => { if (!protocols) return; const ws = new WebSocket(url, protocols); return () => ws.close(); }, [protocols]);
 */
export function useAuthWebSocketProtocols(url: string | URL): string[] | null {
  const token = useAllowedToken(url);
  // Stable per token, so it can sit in an effect's dependencies without reconnect loops.
  return useMemo(() => (token ? authWebSocketProtocols(token) : null), [token]);
}
