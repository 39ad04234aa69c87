import type { User } from "../user.js";
import { type Auth, kInternal, optionalUser, type RequestAuthState, requireUser } from "./Auth.js";
import { assertPermissionName } from "./permissionName.js";
import type { RequestContext } from "./types.js";

/** What a route asks of the request's auth state: nothing (middleware), a user, a permission. */
export type Guard = (state: RequestAuthState) => User | null | Promise<User | null>;

/** Middleware semantics: never fails. */
export const attachGuard: Guard = (state) => state.user;
/** `getCurrentUser` semantics: 401 / 400 / 502 unless there is a user. */
export const requiredGuard: Guard = requireUser;
/** `getCurrentUserOptional` semantics: null for missing/invalid tokens, 400 / 502 otherwise. */
export const optionalGuard: Guard = optionalUser;

/** `requirePermission(name)` semantics; the name is checked here, when the route is declared. */
export function permissionGuard(auth: Auth, name: string): Guard {
  assertPermissionName(name);
  return (state) => auth.checkPermission(state, name);
}

/**
 * Runs a guard against the request's (memoised) auth state, staying synchronous on a cache hit
 * so bindings add no promise hops to the hot path.
 */
export function runGuard(
  auth: Auth,
  request: object,
  ctx: RequestContext,
  guard: Guard,
  onUser: (user: User | null, state: RequestAuthState) => void,
  onError: (error: unknown) => void,
): void {
  const state = auth[kInternal](request, ctx);
  if (state instanceof Promise) state.then((s) => applyGuard(s, guard, onUser, onError), onError);
  else applyGuard(state, guard, onUser, onError);
}

function applyGuard(
  state: RequestAuthState,
  guard: Guard,
  onUser: (user: User | null, state: RequestAuthState) => void,
  onError: (error: unknown) => void,
): void {
  let result: User | null | Promise<User | null>;
  try {
    result = guard(state);
  } catch (error) {
    onError(error);
    return;
  }
  if (result instanceof Promise) result.then((user) => onUser(user, state), onError);
  else onUser(result, state);
}
