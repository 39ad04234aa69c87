/**
 * Stable machine-readable reasons an {@link AuthClientError} can carry.
 *
 * @example
 * const HINTS: Partial<Record<AuthClientErrorCode, string>> = {
 *   invalid_state: "That sign-in link was not started here: sign in again",
 *   timeout: "Sign-in took too long: try again",
 * };
 * client.login().catch((e: AuthClientError) => showToast(HINTS[e.code] ?? e.message));
 */
export type AuthClientErrorCode =
  | "popup_blocked"
  | "popup_closed"
  | "timeout"
  | "login_failed"
  | "invalid_state"
  | "exchange_failed"
  | "refresh_failed"
  | "request_failed"
  | "invalid_argument";

/**
 * The one error type this package throws; switch on `code`, never on `message`.
 *
 * @example
 * try {
 *   await login();
 * } catch (e) {
 *   if (e instanceof AuthClientError && e.code === "login_failed") showHint(e.reason);
 * }
 */
export class AuthClientError extends Error {
  override readonly name = "AuthClientError";

  constructor(
    readonly code: AuthClientErrorCode,
    message: string,
    /** The auth API's machine reason for `login_failed` (`OXA_AUTH_FAILURE.reason`). */
    readonly reason?: string,
  ) {
    super(message);
  }
}
