import { UnauthenticatedError } from "../../kernel/errors.js";
import type { Guard, RouteParams } from "../../kernel/Guard.js";
import type { RequestAuthState } from "../../kernel/RequestAuthState.js";
import type { User } from "../../kernel/user.js";

/**
 * The upgrade's guard: a user is required (the message says how to send the token), then each
 * requirement in order; `admit` keeps the state let through, whose session the socket follows.
 *
 * @example
 * const guard = upgradeGuard([requirements.scope("chat").guard(auth)], (state) => (admitted = state));
 */
export function upgradeGuard(
  required: readonly Guard[],
  admit: (state: RequestAuthState) => void,
): Guard {
  return (state) => {
    admit(state);
    if (state.user === null) {
      throw (
        state.error ??
        new UnauthenticatedError(
          'Authentication required: offer the subprotocols ["oxa-auth", "oxa-auth.bearer.<token>"].',
        )
      );
    }
    return checkAll(required, state, state.user, 0);
  };
}

/** Runs the guards in order, synchronously while they answer synchronously (a cache hit). */
function checkAll(
  guards: readonly Guard[],
  state: RequestAuthState,
  user: User,
  from: number,
): User | Promise<User> {
  const params: RouteParams = undefined;
  for (let i = from; i < guards.length; i++) {
    const outcome = (guards[i] as Guard)(state, params);
    if (outcome instanceof Promise) return outcome.then(() => checkAll(guards, state, user, i + 1));
  }
  return user;
}
