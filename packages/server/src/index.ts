export type { Auth, AuthResult } from "./core/Auth.js";
export { type AuthOptions, createAuth } from "./core/createAuth.js";
export { createValidatorFromEnv } from "./core/createValidatorFromEnv.js";
export { acloseClient, getDefaultAuth } from "./core/defaultAuth.js";
export type { Env } from "./core/env.js";
export { extractBearerToken } from "./core/extractBearerToken.js";
export type { RequestLike } from "./core/requestContext.js";
export {
  type AuthLogger,
  type AuthSettings,
  DEFAULT_ACCESS_TOKEN_COOKIE_NAME,
  type SettingsOptions,
} from "./core/resolveSettings.js";
export type { RequestContext, TokenValidator, Verification } from "./core/types.js";
export {
  AuthError,
  type AuthErrorCode,
  ConfigurationError,
  HostNotAllowedError,
  InvalidRequestError,
  InvalidTokenError,
  PermissionDeniedError,
  UnauthenticatedError,
  UpstreamError,
} from "./errors.js";
export { deriveProxyBaseUrl } from "./proxy/deriveProxyBaseUrl.js";
export { ProxyAuthClient, type ProxyAuthClientOptions } from "./proxy/ProxyAuthClient.js";
export {
  DEFAULT_DEV_PROXY_URL,
  type ProxyOptions,
  type ProxySettings,
} from "./proxy/resolveProxySettings.js";
export type { User, UserWorkspace, WorkspacePermission, WorkspaceRole } from "./user.js";
export {
  authenticateUpgrade,
  selectWsProtocol,
  type UpgradeOptions,
  type UpgradeResult,
} from "./websocket/authenticateUpgrade.js";
export { WS_AUTH_PROTOCOL, WS_BEARER_PROTOCOL_PREFIX } from "./websocket/constants.js";
export { rejectUpgrade } from "./websocket/rejectUpgrade.js";
