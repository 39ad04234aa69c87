export type {
  User,
  UserWorkspace,
  WorkspacePermission,
  WorkspaceRole,
} from "@org/auth-user";
export { userFromWire } from "@org/auth-user";
export type { AuthState, AuthStatus, AuthUser } from "./core/AuthClient";
export { AuthClient } from "./core/AuthClient";
export type { AuthClientErrorCode } from "./core/AuthClientError";
export { AuthClientError, StepUpRequiredError } from "./core/AuthClientError";
export type { AuthClientOptions } from "./core/AuthClientOptions";
export { authWebSocketProtocols } from "./core/authWebSocketProtocols";
export type { AuthTokenSource } from "./core/createAuthFetch";
export { createAuthFetch } from "./core/createAuthFetch";
export type { LoginOptions } from "./core/loginOptions";
export { withAccessToken } from "./core/withAccessToken";
export type { Dpop } from "./dpop/createDpop";
export type { AuthProviderProps } from "./react/AuthProvider";
export { AuthProvider } from "./react/AuthProvider";
export type { PermissionGateProps } from "./react/PermissionGate";
export { PermissionGate } from "./react/PermissionGate";
export type { RequireAuthProps } from "./react/RequireAuth";
export { RequireAuth } from "./react/RequireAuth";
export { useAccessToken } from "./react/useAccessToken";
export type { UseAuthResult } from "./react/useAuth";
export { useAuth } from "./react/useAuth";
export { useAuthClient } from "./react/useAuthClient";
export { useAuthFetch } from "./react/useAuthFetch";
export {
  useAuthWebSocket,
  useAuthWebSocketProtocols,
} from "./react/useAuthWebSocketProtocols";
export { useAuthWebSocketUrl } from "./react/useAuthWebSocketUrl";
export { useOnSignOut } from "./react/useOnSignOut";
export { usePermission } from "./react/usePermission";
export { useStepUp } from "./react/useStepUp";
export { useUser } from "./react/useUser";
