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
  | "network_error"
  | "invalid_argument"
  | "step_up_required";

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
  // Declared, not parameter properties: those also emit empty class fields (bytes of the budget).
  /** The stable machine-readable reason. */
  declare readonly code: AuthClientErrorCode;
  /** The auth API's machine reason for `login_failed` (`OXA_AUTH_FAILURE.reason`). */
  declare readonly reason?: string;

  /** `options.cause`: the underlying error (the browser's `TypeError` for `network_error`). */
  constructor(code: AuthClientErrorCode, message: string, reason?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.reason = reason;
  }
}

/**
 * An API asked for a stronger or more recent sign-in (RFC 9470 `insufficient_user_authentication`)
 * and the request was not answered: the app did not opt in to automatic step-up (`stepUp`), or the
 * API asked again after one. `acrValues` / `maxAge` are what it asked for; pass the error to
 * `useStepUp()` to sign the user in at that level, then retry.
 *
 * @example
 * try {
 *   await authFetch("/api/workspace", { method: "DELETE" });
 * } catch (e) {
 *   if (e instanceof StepUpRequiredError) showPrompt(e.acrValues, e.maxAge);
 * }
 */
export class StepUpRequiredError extends AuthClientError {
  // Set where the challenge is read (the lazy sign-in code), so the page load carries no more.
  /** The acceptable authentication levels (`acr_values`), in order of preference; may be empty. */
  declare readonly acrValues: string[];
  /** The longest time (seconds) since the sign-in (`max_age`), or null. */
  declare readonly maxAge: number | null;
}
