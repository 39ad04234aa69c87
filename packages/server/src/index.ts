export {
  authenticateUpgrade,
  selectWsProtocol,
  type UpgradeOptions,
  type UpgradeResult,
  type WatchedSocket,
} from "./bindings/websocket/authenticateUpgrade.js";
export {
  WS_AUTH_PROTOCOL,
  WS_BEARER_PROTOCOL_PREFIX,
  WS_CLOSE_REVOKED,
  WS_CLOSE_TOKEN_EXPIRED,
} from "./bindings/websocket/constants.js";
export { rejectUpgrade } from "./bindings/websocket/rejectUpgrade.js";
export type { AuthOptions } from "./config/AuthOptions.js";
export { createAuth } from "./config/createAuth.js";
export type { BackchannelLogoutOptions } from "./config/createBackchannelLogout.js";
export {
  createIntrospectionValidator,
  type IntrospectionOptions,
} from "./config/createIntrospectionValidator.js";
export { AUTH_DISABLED_WARNING, createValidatorFromEnv } from "./config/createValidatorFromEnv.js";
export { acloseClient, getDefaultAuth } from "./config/defaultAuth.js";
export { deriveProxyBaseUrl } from "./config/deriveProxyBaseUrl.js";
export type { Env } from "./config/env.js";
export type {
  IssuerOptions,
  IssuerResolverOptions,
  IssuersOptions,
} from "./config/IssuersOptions.js";
export { createPresetValidator } from "./config/presets/createPresetValidator.js";
export { detectProvider, type ProviderDetection } from "./config/presets/detectProvider.js";
export { registerAdapter } from "./config/registerAdapter.js";
export type { ProtectedResourceOptions } from "./config/resolveProtectedResource.js";
export {
  DEFAULT_DEV_PROXY_URL,
  type ProxyOptions,
  type ProxySettings,
} from "./config/resolveProxySettings.js";
export type { Auth, AuthResult, BackchannelLogoutHandler } from "./kernel/Auth.js";
export type { AuthHealth, HealthCheck, LimiterLoad } from "./kernel/AuthHealth.js";
export { ASYMMETRIC_ALGORITHMS } from "./kernel/asymmetricAlgorithms.js";
export type { ClaimPath } from "./kernel/claimPath.js";
export type { DecisionLogFields } from "./kernel/decisionLog.js";
export type { HttpAnswer } from "./kernel/errorAnswer.js";
export {
  AuthError,
  type AuthErrorCode,
  ConfigurationError,
  CsrfRejectedError,
  HostNotAllowedError,
  InsufficientUserAuthenticationError,
  InvalidRequestError,
  InvalidTokenError,
  OverloadedError,
  PermissionDeniedError,
  RevocationUnavailableError,
  UnauthenticatedError,
  UpstreamError,
} from "./kernel/errors.js";
export { extractBearerToken } from "./kernel/extractBearerToken.js";
export type {
  FleetEvent,
  InvalidationTarget,
  RevocationTarget,
} from "./kernel/fleetEvents.js";
export type { AuthLevelOptions } from "./kernel/guards/authLevelGuard.js";
export type {
  BindingSource,
  BindingSpec,
} from "./kernel/guards/bindingGuard.js";
export type { ClaimCheck } from "./kernel/guards/claimCheckGuard.js";
export type { ClaimValue } from "./kernel/guards/claimName.js";
export { appOnlyClientId, type InternalOptions } from "./kernel/guards/internalGuard.js";
export { type Requirement, requirements } from "./kernel/guards/requirements.js";
export { InsufficientClaimsError } from "./kernel/InsufficientClaimsError.js";
export {
  type InvalidPermissionName,
  isPermissionName,
  MAX_PERMISSION_NAME_LENGTH,
  type PermissionName,
  type RefusedCharacter,
} from "./kernel/permissionName.js";
export {
  type ProtectedResourceSettings,
  resourceMetadataPath,
  resourceMetadataUrl,
} from "./kernel/protectedResourceMetadata.js";
export type { HeaderRecord, RequestLike } from "./kernel/requestContext.js";
export {
  type AuthLogger,
  type AuthSettings,
  DEFAULT_ACCESS_TOKEN_COOKIE_NAME,
  type DpopMode,
  type LimitSettings,
  type SettingsOptions,
} from "./kernel/settings.js";
export type { RequestContext, TokenValidator, Verification } from "./kernel/types.js";
export type { User, UserWorkspace, WorkspacePermission, WorkspaceRole } from "./kernel/user.js";
export { MAX_LOGOUT_BODY_BYTES } from "./logout/handleBackchannelLogout.js";
export type { RedisOptions } from "./redis/FleetCache.js";
export type { RedisClientLike } from "./redis/RedisLink.js";
export type {
  OpenTelemetryApi,
  OtelAttributes,
  OtelMeter,
  OtelMeterProvider,
  OtelObservable,
  OtelRecorder,
  OtelSpan,
  OtelTracer,
  OtelTracerProvider,
} from "./telemetry/OpenTelemetryApi.js";
export type { TelemetryOptions } from "./telemetry/openTelemetry.js";
export type { AdapterClaims, AuthAdapter } from "./validators/adapters/AuthAdapter.js";
export { createAdapterValidator } from "./validators/adapters/createAdapterValidator.js";
export {
  anonymousUser,
  createAnonymousValidator,
} from "./validators/adapters/createAnonymousValidator.js";
export type {
  ClientAuthMethod,
  IntrospectionClientCredentials,
} from "./validators/introspection/createClientAuthentication.js";
export {
  createJwtValidator,
  JwtValidator,
  type JwtValidatorOptions,
  type ProviderKeyResolver,
} from "./validators/jwt/JwtValidator.js";
export {
  createMultiIssuerValidator,
  type IssuerResolver,
  type JwtIssuer,
  MultiIssuerValidator,
  type MultiIssuerValidatorOptions,
} from "./validators/jwt/MultiIssuerValidator.js";
export type {
  ClaimMapping,
  ClaimMappingOptions,
  PermissionSource,
  ScopesFormat,
} from "./validators/jwt/mapClaimsToUser.js";
export type { KeySetTiming } from "./validators/jwt/RemoteKeySet.js";
export {
  ProxyAuthClient,
  type ProxyAuthClientOptions,
  type UndiciDispatcher,
} from "./validators/proxy/ProxyAuthClient.js";
