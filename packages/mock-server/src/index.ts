export type { MockUser } from "./config/MockUser.js";
export type { OidcClient } from "./config/OidcClient.js";
export type { Persona } from "./config/Persona.js";
export type { CorsOrigins } from "./config/parse.js";
export type { MockAuthSettings } from "./config/settings.js";
export type { AuthMessage } from "./core/callbackPage.js";
export type { MockAuthChange } from "./core/MockAuthChange.js";
export type { MockState, MockStatePatch } from "./core/MockState.js";
export type { MockResponse, RequestLike } from "./core/responses.js";
export type { SigningAlg } from "./core/signer.js";
export {
  createMockAuth,
  type MockAuth,
  type MockAuthOptions,
} from "./handler/createMockAuth.js";
export { MockAuthError, type MockAuthErrorCode } from "./MockAuthError.js";
export { configFromEnv, type EnvConfig } from "./node/configFromEnv.js";
export {
  type MockServer,
  type MockServerOptions,
  startMockServer,
} from "./node/startMockServer.js";
export type { ClaimPreset } from "./oidc/claimShapes.js";
export type { BadTokenKind, MintTokenOptions } from "./oidc/mintToken.js";
export type { LoginParams } from "./proxy/login.js";
