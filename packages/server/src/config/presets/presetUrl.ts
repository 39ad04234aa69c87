import { ConfigurationError } from "../../kernel/errors.js";
import { checkHttpUrl } from "../../kernel/httpUrl.js";
import { type Env, readEnv } from "../env.js";

/** A required http(s) base URL from `name`, without trailing slashes. */
export function requiredBaseUrl(env: Env, name: string, provider: string): string {
  const value = readEnv(env, name);
  if (value === undefined) {
    throw new ConfigurationError(
      `AUTH_PROVIDER=${provider} needs ${name} (the provider's base URL).`,
    );
  }
  // The issuer is built from the value as written: a token's `iss` matches it byte for byte.
  checkHttpUrl(value, name, { base: true });
  return value.replace(/\/+$/, "");
}
