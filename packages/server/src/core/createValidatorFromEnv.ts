import { createProxyValidator } from "../proxy/createProxyValidator.js";
import { resolveProxySettings } from "../proxy/resolveProxySettings.js";
import type { AuthOptions } from "./createAuth.js";
import type { Env } from "./env.js";
import type { TokenValidator } from "./types.js";

/**
 * Builds the validator the settings ask for. Today: proxy mode. (Mode detection via
 * AUTH_PROVIDER lands here.)
 *
 * @example
 * const validator = createValidatorFromEnv(process.env, {});
 */
export function createValidatorFromEnv(env: Env, options: AuthOptions): TokenValidator {
  return createProxyValidator(resolveProxySettings(env, options), {
    client: options.proxyClient,
    logger: options.logger,
  });
}
