import { ConfigurationError } from "../../kernel/errors.js";
import { checkHttpUrl } from "../../kernel/httpUrl.js";
import type { Env } from "../env.js";
import { readOptionalSetting, type SettingRow } from "../settingsTable.js";

/** A required http(s) base URL from `row`, without trailing slashes. */
export function requiredBaseUrl(env: Env, row: SettingRow<string>, provider: string): string {
  const name = row.env;
  const value = readOptionalSetting(env, row);
  if (value === undefined) {
    throw new ConfigurationError(
      `AUTH_PROVIDER=${provider} needs ${name} (the provider's base URL).`,
    );
  }
  // The issuer is built from the value as written: a token's `iss` matches it byte for byte.
  checkHttpUrl(value, name, { base: true });
  return value.replace(/\/+$/, "");
}
