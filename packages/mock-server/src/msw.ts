export type { AuthMessage } from "./core/callbackPage.js";
export type { MockState, MockStatePatch } from "./core/MockState.js";
export type { MockAuth, MockAuthOptions } from "./handler/createMockAuth.js";
export {
  createMockAuthHandlers,
  type MockAuthHandlers,
  type MockAuthHandlersOptions,
  type MockCookies,
} from "./msw/createMockAuthHandlers.js";
