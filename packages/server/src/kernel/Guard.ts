import { assertPermissionName } from "./permissionName.js";
import {
  type AuthCore,
  optionalUser,
  type RequestAuthState,
  requireUser,
} from "./RequestAuthState.js";
import type { User } from "./user.js";

/** The route's path parameters (e.g. Express `req.params`), read by `requireBinding` only. */
export type RouteParams = Readonly<Record<string, string | undefined>> | undefined;

/**
 * What a route asks of the request's auth state: the user to let through (or null), else it
 * throws the AuthError to answer. A new guard is one such function and its tests.
 */
export type Guard = (
  state: RequestAuthState,
  params: RouteParams,
) => User | null | Promise<User | null>;

/** What a binding runs per request: a guard and the Auth instance whose state it checks. */
export interface BoundGuard {
  readonly auth: AuthCore;
  readonly guard: Guard;
  /** Whether the guard reads the route parameters; bindings skip reading them otherwise (on
   * Express 5 every request-property read costs ~0.3 µs, and Hono builds a new object). */
  readonly usesParams: boolean;
  /** The middleware: always lets the request through and always attaches user and error. */
  readonly attach: boolean;
  /** The guard's own `maxTokenAge` (seconds), on top of the instance's; undefined: none. */
  readonly maxTokenAge?: number | undefined;
}

/** Middleware semantics: never fails. */
export const attachGuard: Guard = (state) => state.user;
/** `getCurrentUser` semantics: 401 / 400 / 502 unless there is a user. */
export const requiredGuard: Guard = requireUser;
/** `getCurrentUserOptional` semantics: null for missing/invalid tokens, 400 / 502 otherwise. */
export const optionalGuard: Guard = optionalUser;

/** `requirePermission(name)` semantics; the name is checked here, when the route is declared. */
export function permissionGuard(auth: AuthCore, name: string): Guard {
  assertPermissionName(name);
  return (state) => auth.checkPermission(state, name);
}

/** Binds a guard to an instance (at route declaration). */
export function bindGuard(
  auth: AuthCore,
  guard: Guard,
  usesParams = false,
  maxTokenAge?: number,
): BoundGuard {
  return { auth, guard, usesParams, attach: guard === attachGuard, maxTokenAge };
}
