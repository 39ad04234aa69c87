import { configurationError } from "../../validators/jwt/jwtErrors.js";
import { type Env, envString } from "../readEnv.js";

/** A required http(s) base URL from `name`, without trailing slashes. */
export function requiredBaseUrl(env: Env, name: string, provider: string): string {
  const value = envString(env, name);
  if (value === undefined) {
    throw configurationError(`AUTH_PROVIDER=${provider} needs ${name} (the provider's base URL).`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configurationError(`${name} must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw configurationError(`${name} must be an http(s) URL; got "${value}".`);
  }
  return value.replace(/\/+$/, "");
}
