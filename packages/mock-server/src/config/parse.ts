import { MockAuthError } from "../MockAuthError.js";

/** Names the value came from (env var or option) so errors point at what to fix. */
type Label = string;

/** RFC 6750 b64token (token68): safe in a Bearer header and in a cookie value. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 6265 cookie-name (an RFC 7230 token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** True when `text` holds a C0 control character or DEL (CR/LF, tab, NUL…). */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The contract's permission-name rule: an OAuth scope-token (`audit`, `read:messages`, URLs). */
export const PERMISSION_NAME = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
/** How to fix a name outside {@link PERMISSION_NAME}. */
export const PERMISSION_NAME_RULE =
  "permission names are 1-128 visible ASCII characters without spaces, quotes or backslashes (e.g. read:messages)";

function fail(label: Label, message: string): never {
  throw new MockAuthError("invalid_config", `${label}: ${message}`);
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(String(text).slice(0, 80));
}

/** A printable string without control characters (user fields, audience…). */
export function parseText(value: unknown, label: Label, max = 1024): string {
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > max ||
    hasControlChar(value)
  ) {
    fail(
      label,
      `expected a non-empty string without control characters (max ${max}), got ${show(value)}`,
    );
  }
  return value;
}

/** A token usable as `Authorization: Bearer <token>` and as a cookie value. */
export function parseToken(value: unknown, label: Label): string {
  if (typeof value !== "string" || value.length > 4096 || !TOKEN68.test(value)) {
    fail(label, `expected a token of letters, digits and -._~+/ (RFC 6750), got ${show(value)}`);
  }
  return value;
}

/** A token, or null when empty (turns the feature off). */
export function parseOptionalToken(value: unknown, label: Label): string | null {
  if (value === null || value === undefined || value === "") return null;
  return parseToken(value, label);
}

/** `a,b , c` or an array → trimmed, non-empty entries. */
function toList(value: unknown, label: Label): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v.trim() : v));
  if (typeof value === "string") {
    return value
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  }
  return fail(label, `expected a comma-separated list or an array, got ${show(value)}`);
}

/** A list of bearer tokens. */
export function parseTokenList(value: unknown, label: Label): string[] {
  return toList(value, label).map((t, i) => parseToken(t, `${label}[${i}]`));
}

/** A list of permission names matching {@link PERMISSION_NAME}. */
export function parseNameList(value: unknown, label: Label): string[] {
  return toList(value, label).map((name, i) => {
    if (typeof name !== "string" || !PERMISSION_NAME.test(name)) {
      fail(`${label}[${i}]`, `${PERMISSION_NAME_RULE}, got ${show(name)}`);
    }
    return name;
  });
}

/** Authentication levels (`acr`): at least one, each a scope-token (safe in `acr_values="…"`). */
export function parseAcrValues(value: unknown, label: Label): string[] {
  const list = toList(value, label);
  if (list.length === 0) fail(label, "list at least one acr value, e.g. pwd,mfa");
  return list.map((acr, i) => {
    if (typeof acr !== "string" || !PERMISSION_NAME.test(acr)) {
      fail(
        `${label}[${i}]`,
        `acr values are 1-128 visible ASCII characters without spaces, quotes or backslashes (e.g. mfa), got ${show(acr)}`,
      );
    }
    return acr;
  });
}

/** A list of display strings (role names may contain spaces). */
export function parseTextList(value: unknown, label: Label): string[] {
  return toList(value, label).map((name, i) => parseText(name, `${label}[${i}]`, 256));
}

/** An integer in `[min, max]`, from a number or a decimal string. */
export function parseInteger(value: unknown, label: Label, min: number, max: number): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    fail(label, `expected a whole number between ${min} and ${max}, got ${show(value)}`);
  }
  return n;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(
  value: unknown,
  label: Label,
  choices: readonly T[],
): T {
  if (typeof value !== "string" || !choices.includes(value as T)) {
    fail(label, `expected one of ${choices.join(", ")}, got ${show(value)}`);
  }
  return value as T;
}

/** `1|true|yes|on` / `0|false|no|off|""`, or a boolean. */
export function parseBoolean(value: unknown, label: Label): boolean {
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  if (text !== undefined && ["1", "true", "yes", "on"].includes(text)) return true;
  if (text !== undefined && ["0", "false", "no", "off", ""].includes(text)) return false;
  return fail(label, `expected 1/true/yes or 0/false/no, got ${show(value)}`);
}

/** A cookie name (RFC 6265 token). */
export function parseCookieName(value: unknown, label: Label): string {
  if (typeof value !== "string" || !COOKIE_NAME.test(value)) {
    fail(label, `expected a cookie name (letters, digits, !#$%&'*+-.^_\`|~), got ${show(value)}`);
  }
  return value;
}

/** An absolute path on this server (`/…`, not `//…`). */
export function parsePath(value: unknown, label: Label): string {
  if (typeof value !== "string" || !isSafeRelativePath(value)) {
    fail(
      label,
      `expected a path starting with a single "/" (e.g. "/dashboard"), got ${show(value)}`,
    );
  }
  return value;
}

/** True for `/x…` paths that a browser cannot read as another host (`//`, `/\`, controls). */
export function isSafeRelativePath(value: string): boolean {
  return (
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.includes("\\") &&
    !hasControlChar(value) &&
    value.length <= 2048
  );
}

/** An http(s) URL. */
export function parseHttpUrl(value: unknown, label: Label): string {
  const url = typeof value === "string" ? safeUrl(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "") {
    return fail(
      label,
      `expected an http(s) URL like "https://idp.example.com/authorize", got ${show(value)}`,
    );
  }
  return url.href;
}

/** An http(s) origin (`scheme://host[:port]`, no path). */
export function parseOrigin(value: unknown, label: Label): string {
  const text = typeof value === "string" ? value.replace(/\/$/, "") : "";
  const url = safeUrl(text);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== text) {
    return fail(
      label,
      `expected an origin like "http://localhost:5173" (no path), got ${show(value)}`,
    );
  }
  return url.origin;
}

/**
 * Which browser origins may call the mock: `loopback` (http(s) on localhost, *.localhost,
 * 127.0.0.0/8 or [::1], any port), `*` (any origin), or an explicit list of origins.
 *
 * @example
 * ```ts
 * const origins: CorsOrigins = ["http://localhost:5173"];
 * ```
 */
export type CorsOrigins = "loopback" | "*" | string[];

/** `loopback`, `*` or a list of origins. */
export function parseOrigins(value: unknown, label: Label): CorsOrigins {
  if (value === "*" || value === "loopback") return value;
  const list = toList(value, label);
  const only = list.length === 1 ? list[0] : undefined;
  if (only === "*" || only === "loopback") return only;
  if (list.length === 0)
    fail(
      label,
      `expected "loopback", "*" or a comma-separated list of origins, got ${show(value)}`,
    );
  return list.map((o, i) => parseOrigin(o, `${label}[${i}]`));
}

/** A host name or IP to bind. */
export function parseHost(value: unknown, label: Label): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9.:[\]%-]+$/.test(value)) {
    fail(label, `expected a host name or IP address like "127.0.0.1", got ${show(value)}`);
  }
  return value;
}

/** `new URL` without throwing. */
export function safeUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}
