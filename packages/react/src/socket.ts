// `@org/auth-react/socket`: a self-reconnecting authenticated WebSocket, outside the main entry
// (its size budget) and importing the session parts from the package itself.
export type {
  AuthSocket,
  AuthSocketOptions,
  AuthSocketSession,
  AuthSocketState,
} from "./socket/connectAuthSocket";
export {
  connectAuthSocket,
  WS_CLOSE_REVOKED,
  WS_CLOSE_TOKEN_EXPIRED,
} from "./socket/connectAuthSocket";
export type { UseAuthSocketOptions, UseAuthSocketResult } from "./socket/useAuthSocket";
export { useAuthSocket } from "./socket/useAuthSocket";
