import { createAnonymousValidator } from "../../validators/adapters/createAnonymousValidator.js";
import type { Provider } from "./Provider.js";

/** The start-up warning of `AUTH_PROVIDER=none` / `AUTH_ENABLED=false`. */
export const AUTH_DISABLED_WARNING =
  "[@org/auth-server] AUTHENTICATION IS DISABLED (AUTH_PROVIDER=none or AUTH_ENABLED=false): every request is an anonymous user and every permission check passes. Never run this in production; unset it to fail closed.";

/**
 * `AUTH_PROVIDER=none` (or a bare `AUTH_ENABLED=false`): auth switched off, loudly.
 *
 * @example
 * const validator = noneProvider.create(undefined, context); // warns, then lets everyone in
 */
export const noneProvider: Provider<undefined> = {
  name: "none",
  readSection: () => undefined,
  create(_section, { logger }) {
    logger.warn(AUTH_DISABLED_WARNING);
    return createAnonymousValidator();
  },
};
