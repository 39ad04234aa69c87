import type { StepUpRequiredError } from "./AuthClientError";
import { AuthClientError } from "./signInParts";

/**
 * Options of `login()`. Only the documented login parameters reach the auth API; any other key is
 * dropped.
 *
 * @example
 * const options: LoginOptions = {
 *   mode: "auto",
 *   returnTo: "/settings#profile",
 *   loginHint: "ada@example.com",
 *   prompt: "login",
 *   extraParams: { ui_locales: "fr", max_age: 300 },
 * };
 * await login(options);
 */
export interface LoginOptions {
  /**
   * `popup`, `redirect` (a full-page navigation to the sign-in and back), or `auto` (the default):
   * the popup, unless the page runs as an installed app or in a known in-app browser, or the
   * browser blocks the popup; then the redirect.
   */
  mode?: "popup" | "redirect" | "auto";
  /**
   * Where the user lands after a redirect sign-in: a URL (or path) of this page's origin, any
   * other is refused with `invalid_argument`. Default: the current URL.
   */
  returnTo?: string;
  /** The user's email, to prefill the sign-in form (1 to 256 characters, no control characters). */
  loginHint?: string;
  /** `login` forces a new sign-in even with a session at the identity provider; `none` shows no UI. */
  prompt?: "none" | "login" | "consent" | "select_account";
  /** The other login parameters the auth API forwards to the identity provider. */
  extraParams?: { ui_locales?: string; max_age?: number; acr_values?: string };
  /**
   * Step-up (RFC 9470): the acceptable authentication levels, sent as `acr_values` (they replace
   * `extraParams.acr_values`). A {@link StepUpRequiredError} carries them: `login(error)` signs in
   * at the level the API asked for.
   */
  acrValues?: readonly string[];
  /** Step-up: the longest time since the sign-in (seconds), sent as `max_age` (null: none). */
  maxAge?: number | null;
}

/** The login parameters of the contract, each with the values it accepts (≤ 256 characters). */
const RULES: Record<string, RegExp> = {
  login_hint: /^\P{Cc}+$/u,
  prompt: /^(none|login|consent|select_account)$/,
  ui_locales: /^[A-Za-z\d-]{1,35}( [A-Za-z\d-]{1,35})*$/,
  max_age: /^\d{1,9}$/,
  acr_values: /^[!-~]+( [!-~]+)*$/,
};

/**
 * The login URL's option parameters: unknown keys are dropped; a bad value throws an
 * `invalid_argument` error naming it.
 */
export function loginParams({ loginHint, prompt, extraParams, acrValues, maxAge }: LoginOptions) {
  const all: Record<string, unknown> = { ...extraParams, login_hint: loginHint, prompt };
  if (acrValues?.length) all.acr_values = acrValues.join(" ");
  if (maxAge != null) all.max_age = maxAge;
  const params: Record<string, string> = {};
  for (const [key, rule] of Object.entries(RULES)) {
    if (all[key] == null) continue;
    const value = String(all[key]);
    if (value.length > 256 || !rule.test(value)) {
      throw new AuthClientError(
        "invalid_argument",
        `login(): ${key} ${JSON.stringify(value.slice(0, 40))} is not valid; see LoginOptions.`,
      );
    }
    params[key] = value;
  }
  return params;
}
