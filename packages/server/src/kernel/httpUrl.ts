import { ConfigurationError } from "./errors.js";

/**
 * The one URL check for settings: an absolute http(s) URL without credentials (`base`: nor a
 * query or fragment). Throws a ConfigurationError naming the setting, never echoing the value
 * (it may carry a secret).
 */
export function checkHttpUrl(value: string, name: string, options: { base?: boolean } = {}): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      `${name} must be an absolute http(s) URL, e.g. https://auth.example.com (got an unparsable value).`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`${name} must be an http(s) URL, e.g. https://auth.example.com.`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError(`${name} must not contain credentials.`);
  }
  if (options.base === true && (url.search || url.hash)) {
    throw new ConfigurationError(
      `${name} must be an http(s) URL without query or fragment, e.g. https://app.example.com.`,
    );
  }
  return url;
}

/** A checked base URL as a string without trailing slashes. */
export function checkBaseUrl(value: string, name: string): string {
  const url = checkHttpUrl(value, name, { base: true });
  return url.origin + url.pathname.replace(/\/+$/, "");
}
