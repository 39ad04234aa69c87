import { AuthClientError } from "./AuthClientError";

/**
 * Options of `login()`. Only the documented login parameters reach the auth API.
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
   * `popup`, `redirect` (a full-page navigation), or `auto` (the default): the popup, unless the
   * page runs as an installed app or in a known in-app browser, or the popup is blocked.
   */
  mode?: "popup" | "redirect" | "auto";
  /** Where to land after a redirect sign-in (same origin only). Default: the current URL. */
  returnTo?: string;
  /** The user's email or name, to prefill the sign-in form (at most 256 characters). */
  loginHint?: string;
  /** `login` forces a new sign-in even with a session at the identity provider. */
  prompt?: "none" | "login" | "consent" | "select_account";
  /** Other OIDC parameters the auth API forwards; any other key is dropped. */
  extraParams?: { ui_locales?: string; max_age?: number; acr_values?: string };
}

declare const process: { env: Record<string, string | undefined> };

/** The login parameters the auth API documents, each with the values it accepts. */
const PARAMS: Record<string, RegExp> = {
  login_hint: /^.{0,256}$/su,
  prompt: /^(none|login|consent|select_account)$/,
  ui_locales: /^.{0,256}$/su,
  max_age: /^\d{1,9}$/,
  acr_values: /^.{0,256}$/su,
};

/** The login URL's option parameters; throws an `invalid_argument` error for a bad option. */
export function loginParams({ mode = "auto", loginHint, prompt, extraParams }: LoginOptions) {
  const params: Record<string, string> = {};
  const bad = (name: string, rule: RegExp) =>
    new AuthClientError("invalid_argument", `login(): ${name} must match ${rule}.`);
  const MODES = /^(popup|redirect|auto)$/;
  if (!MODES.test(mode)) throw bad("mode", MODES);
  // Last, so that extraParams cannot smuggle in a login_hint or a prompt.
  for (const [key, value] of Object.entries({ ...extraParams, login_hint: loginHint, prompt })) {
    const rule = PARAMS[key];
    if (value === undefined) continue;
    if (!rule) {
      try {
        // Bundlers replace process.env.NODE_ENV; without one, `process` may not exist.
        if (process.env.NODE_ENV !== "production") console.warn(`login(): ${key} dropped.`);
      } catch {}
    } else if (/^[sn]/.test(typeof value) && rule.test(String(value))) params[key] = String(value);
    else throw bad(key, rule);
  }
  return params;
}
