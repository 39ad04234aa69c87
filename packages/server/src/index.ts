export type { AdapterClaims, AuthAdapter } from "./adapters/AuthAdapter.js";
export { createAdapterValidator } from "./adapters/createAdapterValidator.js";
export { anonymousUser, createAnonymousValidator } from "./adapters/createAnonymousValidator.js";
export { registerAdapter } from "./adapters/registerAdapter.js";
export type { Auth, AuthResult } from "./core/Auth.js";
export { type AuthOptions, createAuth } from "./core/createAuth.js";
export { AUTH_DISABLED_WARNING, createValidatorFromEnv } from "./core/createValidatorFromEnv.js";
export { acloseClient, getDefaultAuth } from "./core/defaultAuth.js";
export type { Env } from "./core/env.js";
export { extractBearerToken } from "./core/extractBearerToken.js";
export {
  appOnlyClientId,
  type BindingSource,
  type BindingSpec,
  type InternalOptions,
} from "./core/guards.js";
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
export type { ClaimPath } from "./jwt/claimPath.js";
export {
  ASYMMETRIC_ALGORITHMS,
  createJwtValidator,
  JwtValidator,
  type JwtValidatorOptions,
} from "./jwt/JwtValidator.js";
export type {
  ClaimMapping,
  ClaimMappingOptions,
  PermissionSource,
  ScopesFormat,
} from "./jwt/mapClaimsToUser.js";
export type { KeySetTiming } from "./jwt/RemoteKeySet.js";
export { createPresetValidator } from "./presets/createPresetValidator.js";
export { detectProvider, type ProviderDetection } from "./presets/detectProvider.js";
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
