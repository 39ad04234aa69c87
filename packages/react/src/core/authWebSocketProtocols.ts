import { badArgument, TCHARS } from "./internal";

/**
 * The WebSocket subprotocol list carrying the token, as the server SDK reads it
 * (recommended: keeps the token out of URLs and logs).
 *
 * @example
 * new WebSocket("wss://api.example.com/ws", authWebSocketProtocols(token));
 */
export function authWebSocketProtocols(token: string): string[] {
  if (!TCHARS.test(token)) {
    throw badArgument("This token cannot be a WebSocket subprotocol; use withAccessToken().");
  }
  return ["oxa-auth", `oxa-auth.bearer.${token}`];
}
