/** The subprotocol a client offers and the server answers with on an authenticated WebSocket. */
export const WS_AUTH_PROTOCOL = "oxa-auth";

/** Prefix of the subprotocol entry that carries the token: `oxa-auth.bearer.<token>`. */
export const WS_BEARER_PROTOCOL_PREFIX = "oxa-auth.bearer.";
