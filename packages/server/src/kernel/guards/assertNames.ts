import { ConfigurationError } from "../errors.js";

// RFC 6750 scope-token characters: safe inside the quoted `scope="…"` of WWW-Authenticate.
const NAME = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/**
 * Validates role / scope / client names when the route is declared, not per request.
 *
 * @example
 * const wanted = assertNames(["admin"], "role");
 */
export function assertNames(names: readonly string[], what: string): string[] {
  const list = [...names];
  if (list.length === 0) throw new ConfigurationError(`Give at least one ${what}.`);
  for (const name of list) {
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new ConfigurationError(
        `Invalid ${what} ${JSON.stringify(String(name).slice(0, 64))}: 1-128 visible characters, no spaces, quotes or backslashes.`,
      );
    }
  }
  return list;
}
