import { hasControlChar } from "../config/parse.js";

/** How the login ends: a popup posting to its opener, or a full-page 303 back to `return_to`. */
export type LoginMode = "popup" | "redirect";

/** The `prompt` values the wire contract lists. */
export const PROMPTS = ["none", "login", "consent", "select_account"] as const;

/** The contract's login options, validated (query parameter names in the comments). */
export interface LoginOptions {
  mode: LoginMode;
  /** `login_hint`: who to sign in: an email, `sub` or user name (≤ 256 characters). */
  loginHint: string | null;
  /** `prompt`: `login` re-authenticates even with a live IdP session; `none` never shows UI. */
  prompt: (typeof PROMPTS)[number] | null;
  /** `max_age`: seconds since the last authentication after which it must happen again. */
  maxAge: number | null;
  /** `ui_locales`: space-separated language tags (accepted, the mock has one language). */
  uiLocales: string | null;
  /** `acr_values`: space-separated ACR values, in order of preference (see `chooseAcr`). */
  acrValues: string | null;
}

/** The raw options, as strings from the query (or code). */
export type RawLoginOptions = { [K in keyof LoginOptions]?: string | number | null };

const LOCALES = /^[A-Za-z0-9-]{1,35}(?: [A-Za-z0-9-]{1,35})*$/;
const ACR = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;
const MAX = 256;

/** Validate the options; returns the message of the first bad one, or the options. */
export function parseLoginOptions(raw: RawLoginOptions): LoginOptions | string {
  const mode = raw.mode ?? "popup";
  if (mode !== "popup" && mode !== "redirect") return "mode must be popup or redirect";
  const loginHint = raw.loginHint ?? null;
  if (loginHint !== null && !isText(loginHint)) {
    return `login_hint must be 1-${MAX} characters without control characters (an email or user id)`;
  }
  const prompt = raw.prompt ?? null;
  if (prompt !== null && !(PROMPTS as readonly unknown[]).includes(prompt)) {
    return `prompt must be one of ${PROMPTS.join(", ")}`;
  }
  const maxAge = raw.maxAge ?? null;
  if (maxAge !== null && !/^\d{1,10}$/.test(String(maxAge))) {
    return "max_age must be a non-negative whole number of seconds";
  }
  const uiLocales = raw.uiLocales ?? null;
  if (uiLocales !== null && !(isText(uiLocales) && LOCALES.test(uiLocales))) {
    return "ui_locales must be space-separated language tags like 'en-GB fr'";
  }
  const acrValues = raw.acrValues ?? null;
  if (acrValues !== null && !(isText(acrValues) && ACR.test(acrValues))) {
    return "acr_values must be space-separated values of printable characters";
  }
  return {
    mode,
    loginHint,
    prompt: prompt as LoginOptions["prompt"],
    maxAge: maxAge === null ? null : Number(maxAge),
    uiLocales,
    acrValues,
  };
}

function isText(value: unknown): value is string {
  return (
    typeof value === "string" && value.length > 0 && value.length <= MAX && !hasControlChar(value)
  );
}
