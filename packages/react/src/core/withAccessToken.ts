/**
 * Returns `url`, made absolute, with the token in the `access_token` query parameter. Less preferred than
 * {@link authWebSocketProtocols}: URLs end up in logs and proxies' access logs.
 *
 * @example
 * new WebSocket(withAccessToken("wss://api.example.com/ws", token));
 */
export function withAccessToken(url: string | URL, token: string): string {
  // The document's base URL, as `new WebSocket` resolves a relative URL.
  const u = new URL(url, globalThis.document?.baseURI);
  u.searchParams.set("access_token", token);
  return u.href;
}
