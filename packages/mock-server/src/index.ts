export { configFromEnv, type EnvConfig } from "./config/configFromEnv.js";
export type { CorsOrigins } from "./config/parse.js";
export type { MockAuthSettings, MockUser } from "./config/settings.js";
export type { AuthMessage } from "./core/callbackPage.js";
export {
  createMockAuth,
  type MockAuth,
  type MockAuthOptions,
} from "./core/createMockAuth.js";
export type { LoginParams } from "./core/endpoints/login.js";
export type { MockAuthChange } from "./core/MockAuthChange.js";
export type { MockState, MockStatePatch } from "./core/MockState.js";
export type { MockResponse, RequestLike } from "./core/responses.js";
export type { SigningAlg } from "./core/signer.js";
export { MockAuthError, type MockAuthErrorCode } from "./MockAuthError.js";
export {
  type MockServer,
  type MockServerOptions,
  startMockServer,
} from "./node/startMockServer.js";
export type { ClaimPreset } from "./oidc/claimShapes.js";
export type { BadTokenKind, MintTokenOptions } from "./oidc/mintToken.js";
export type { OidcClient } from "./oidc/OidcClient.js";
export type { Persona } from "./oidc/Persona.js";
