import { ConfigurationError } from "./errors.js";

/**
 * The longest permission name accepted (the proxy contract's bound).
 *
 * @example
 * if (name.length > MAX_PERMISSION_NAME_LENGTH) throw new Error("permission name too long");
 */
export const MAX_PERMISSION_NAME_LENGTH = 128;

// OAuth's scope-token (RFC 6749 §3.3, the `scope` of RFC 6750's WWW-Authenticate): visible ASCII
// but `"` and `\`. Providers' names fit it (`read:messages`, URLs); it keeps a name safe in the
// 403's header and free of whitespace, control and invisible characters.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * True for the names providers use (`audit`, `reports:read`, `orders.write`,
 * `https://api.example.com/read`): 1-128 visible ASCII characters but `"` and `\` (OAuth's
 * scope-token), and not `.` or `..` (a dot segment would walk the proxy's URL path).
 *
 * @example
 * const names = process.env.EXTRA_PERMISSIONS?.split(",").filter(isPermissionName) ?? [];
 */
export function isPermissionName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    name.length <= MAX_PERMISSION_NAME_LENGTH &&
    name !== "." &&
    name !== ".." &&
    SCOPE_TOKEN.test(name)
  );
}

/** Throws when a route declares an unusable permission name (checked once, not per request). */
export function assertPermissionName(name: unknown): asserts name is string {
  if (!isPermissionName(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 64)) : typeof name;
    throw new ConfigurationError(
      `Invalid permission name ${shown}: use 1-${MAX_PERMISSION_NAME_LENGTH} visible ASCII characters without spaces, quotes or backslashes (an OAuth scope-token), e.g. "audit", "reports:read" or "https://api.example.com/read".`,
    );
  }
}

/**
 * What the compiler reports for a literal name the SDK would refuse at start-up.
 *
 * @example
 * // requirePermission("reports read");
 * // error: Argument of type '"reports read"' is not assignable to 'InvalidPermissionName'
 */
export interface InvalidPermissionName {
  "invalid permission name: use 1-128 visible ASCII characters without spaces, quotes or backslashes, e.g. reports:read": never;
}

/**
 * `N` when a literal permission name passes the checks a compiler can make (not empty, not `.` /
 * `..`, no {@link RefusedCharacter}), else {@link InvalidPermissionName}; any `string` passes
 * (it is checked when the route is declared).
 *
 * @example
 * function guard<N extends string>(name: PermissionName<N>) {}
 * guard("reports:read"); // compiles
 * // guard("reports read"); // error: not assignable to InvalidPermissionName
 */
export type PermissionName<N extends string> = string extends N
  ? N
  : N extends "" | "." | ".." | `${string}${RefusedCharacter}${string}`
    ? InvalidPermissionName
    : N;

/**
 * The characters a literal permission name may not hold: whitespace, `"`, `\\` and control
 * characters (the compiler's share of {@link isPermissionName}).
 *
 * @example
 * const tab: RefusedCharacter = "\t";
 */
export type RefusedCharacter =
  | " "
  | '"'
  | "\\"
  | "\u00a0"
  | "\u2028"
  | "\u2029"
  | "\u0000"
  | "\u0001"
  | "\u0002"
  | "\u0003"
  | "\u0004"
  | "\u0005"
  | "\u0006"
  | "\u0007"
  | "\u0008"
  | "\u0009"
  | "\u000a"
  | "\u000b"
  | "\u000c"
  | "\u000d"
  | "\u000e"
  | "\u000f"
  | "\u0010"
  | "\u0011"
  | "\u0012"
  | "\u0013"
  | "\u0014"
  | "\u0015"
  | "\u0016"
  | "\u0017"
  | "\u0018"
  | "\u0019"
  | "\u001a"
  | "\u001b"
  | "\u001c"
  | "\u001d"
  | "\u001e"
  | "\u001f"
  | "\u007f";
