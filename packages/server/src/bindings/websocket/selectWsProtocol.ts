import { WS_AUTH_PROTOCOL } from "./constants.js";

/**
 * For `ws`'s `handleProtocols`: answers `oxa-auth` when offered, so the token-carrying entry is
 * never echoed back (ws's default would pick the first offered entry).
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true, handleProtocols: selectWsProtocol });
 */
export function selectWsProtocol(protocols: ReadonlySet<string>): string | false {
  return protocols.has(WS_AUTH_PROTOCOL) ? WS_AUTH_PROTOCOL : false;
}
