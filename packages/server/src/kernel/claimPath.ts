import { ConfigurationError } from "./errors.js";

/**
 * A claim location as path segments: `["realm_access", "roles"]` for `realm_access.roles`.
 *
 * @example
 * const path: ClaimPath = ["realm_access", "roles"]; // "realm_access.roles"
 */
export type ClaimPath = readonly string[];

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

/**
 * Parses a dotted claim path (`realm_access.roles`). Throws a configuration error naming `source` for empty
 * segments or prototype-related names, which could otherwise reach inherited properties.
 */
export function parseClaimPath(text: string, source: string): ClaimPath {
  const segments = text.trim().split(".");
  for (const segment of segments) {
    if (segment === "" || FORBIDDEN_SEGMENTS.has(segment)) {
      throw new ConfigurationError(
        `${source}: "${text}" is not a valid claim path (use dot-separated claim names, e.g. realm_access.roles).`,
      );
    }
  }
  return segments;
}

/** Reads a claim by path (or by its literal dotted name), following own properties of plain objects only (never inherited ones). */
export function readClaim(claims: Readonly<Record<string, unknown>>, path: ClaimPath): unknown {
  // Namespaced claims such as Auth0's "https://example.com/roles" contain dots: the literal key wins.
  if (path.length > 1) {
    const literal = path.join(".");
    if (Object.hasOwn(claims, literal)) return claims[literal];
  }
  let current: unknown = claims;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * True when `value` holds a `__proto__` key at any depth. Tokens carrying one are refused: the key
 * has no legitimate use in claims and is the classic prototype-pollution vector for code that
 * later merges claims into objects.
 */
export function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return nestedHasProtoKey(value);
  if (Object.hasOwn(value, "__proto__")) return true;
  // Runs on every verified token: claims are mostly flat, so the top level is scanned without a
  // stack or a key list, and only nested objects and arrays are walked.
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === "object" && nestedHasProtoKey(item)) return true;
  }
  return false;
}

function nestedHasProtoKey(value: object): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    if (Object.hasOwn(current, "__proto__")) return true;
    for (const key of Object.keys(current)) stack.push((current as Record<string, unknown>)[key]);
  }
  return false;
}
