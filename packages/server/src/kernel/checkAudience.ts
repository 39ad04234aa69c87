import { ConfigurationError } from "./errors.js";

/**
 * A validator's `audience` option as the set of accepted `aud` values, checked at construction;
 * undefined when the check is off (`false`).
 *
 * @example
 * this.#audiences = checkAudience(options.audience); // Set {"orders-api"}
 */
export function checkAudience(
  audience: string | readonly string[] | false,
): Set<string> | undefined {
  if (audience === false) return undefined;
  const list = (typeof audience === "string" ? [audience] : (audience ?? [])).filter(
    (value) => typeof value === "string" && value !== "",
  );
  if (list.length === 0) {
    throw new ConfigurationError(
      "Set AUTH_AUDIENCE to the audience your tokens are issued for (the API identifier or client id), or AUTH_VERIFY_AUDIENCE=false to skip the aud check (not recommended).",
    );
  }
  return new Set(list);
}
