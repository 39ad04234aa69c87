import type { TokenValidator, Verification } from "../../kernel/types.js";
import { makeUser, type User } from "../../kernel/user.js";

/**
 * The anonymous user of `AUTH_PROVIDER=none` (auth switched off): every field of a `User`, the
 * profile `null` (no id), the lists empty.
 *
 * @example
 * if (req.user?.isAnonymous) console.log("auth is disabled");
 */
export function anonymousUser(): User {
  return makeUser({ provider: "none", isAuthenticated: false });
}

/**
 * `AUTH_PROVIDER=none`: every request is the anonymous user and every permission check passes.
 * For local demos only; start-up logs a loud warning.
 *
 * @example
 * const auth = createAuth({ validator: createAnonymousValidator() });
 */
export function createAnonymousValidator(): TokenValidator {
  const anonymous: Verification = { user: anonymousUser() };
  return {
    name: "none",
    anonymous,
    async verify(): Promise<Verification> {
      return anonymous;
    },
    async hasPermission() {
      return true;
    },
  };
}
