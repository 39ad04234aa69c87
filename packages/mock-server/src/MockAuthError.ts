/**
 * Stable machine codes of every error the mock raises.
 *
 * @example
 * try {
 *   await startMockServer({ port: 8765 });
 * } catch (e) {
 *   const code: MockAuthErrorCode | undefined = e instanceof MockAuthError ? e.code : undefined;
 *   if (code === "server_start") console.error("port 8765 is busy: pass port: 0");
 * }
 */
export type MockAuthErrorCode =
  | "invalid_config"
  | "invalid_state_patch"
  | "invalid_login"
  | "invalid_token_request"
  | "signing_key"
  | "server_start";

/**
 * The one error class of the package; `code` is stable, `message` says how to fix it.
 *
 * @example
 * try { configFromEnv({ OXAIGEN_AUTH_MOCK_PORT: "abc" }); }
 * catch (e) { if (e instanceof MockAuthError && e.code === "invalid_config") console.error(e.message); }
 */
export class MockAuthError extends Error {
  override readonly name = "MockAuthError";
  readonly code: MockAuthErrorCode;

  constructor(code: MockAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
