export type { AuthMessage } from "./core/callbackPage.js";
export type { MockAuth, MockAuthOptions } from "./core/createMockAuth.js";
export type { MockState, MockStatePatch } from "./core/MockState.js";
export {
  createMockAuthHandlers,
  type MockAuthHandlers,
  type MockAuthHandlersOptions,
  type MockCookies,
} from "./msw/createMockAuthHandlers.js";
