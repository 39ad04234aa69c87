/** The subprotocol a client offers and the server answers with on an authenticated WebSocket. */
export const WS_AUTH_PROTOCOL = "oxa-auth";

/** Prefix of the subprotocol entry that carries the token: `oxa-auth.bearer.<token>`. */
export const WS_BEARER_PROTOCOL_PREFIX = "oxa-auth.bearer.";

/**
 * Prefix of the subprotocol entry that carries the upgrade request's DPoP proof, beside the
 * token's entry: `oxa-auth.dpop.<proof>` (browsers cannot send a `DPoP` header on a WebSocket).
 *
 * @example
 * new WebSocket(url, ["oxa-auth", `oxa-auth.bearer.${token}`, `${WS_DPOP_PROTOCOL_PREFIX}${proof}`]);
 */
export const WS_DPOP_PROTOCOL_PREFIX = "oxa-auth.dpop.";

/**
 * Close code of a socket whose token expired: reconnect with a fresh token.
 *
 * @example
 * ws.addEventListener("close", (e) => e.code === WS_CLOSE_TOKEN_EXPIRED && reconnect());
 */
export const WS_CLOSE_TOKEN_EXPIRED = 4001;

/**
 * Close code of a socket whose session was revoked (sign-out, back-channel logout): do not
 * reconnect until the user signs in again.
 *
 * @example
 * ws.addEventListener("close", (e) => e.code === WS_CLOSE_REVOKED && showSignIn());
 */
export const WS_CLOSE_REVOKED = 4003;
