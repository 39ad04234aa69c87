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

/** Where a binding receives a guard's outcome: static methods, so no closure per request. */
export interface GuardSink<A, B, C> {
  ok(a: A, b: B, c: C, user: User | null, state: RequestAuthState): void;
  fail(a: A, b: B, c: C, error: unknown): void;
}

/**
 * Runs a guard against the request's (memoised, keyed by `request`) auth state. Stays synchronous
 * and allocation-free on a cache hit, so bindings add no promise hop to the hot path; `a`, `b`,
 * `c` are passed through to the sink (e.g. req, res, next).
 */
export function runGuard<A, B, C>(
  auth: Auth,
  request: object,
  ctx: RequestContext,
  guard: Guard,
  sink: GuardSink<A, B, C>,
  a: A,
  b: B,
  c: C,
): void {
  const state = auth[kInternal](request, ctx);
  if (state instanceof Promise) {
    state.then(
      (resolved) => applyGuard(resolved, guard, sink, a, b, c),
      (error) => sink.fail(a, b, c, error),
    );
  } else applyGuard(state, guard, sink, a, b, c);
}

function applyGuard<A, B, C>(
  state: RequestAuthState,
  guard: Guard,
  sink: GuardSink<A, B, C>,
  a: A,
  b: B,
  c: C,
): void {
  let result: User | null | Promise<User | null>;
  try {
    result = guard(state);
  } catch (error) {
    sink.fail(a, b, c, error);
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (user) => sink.ok(a, b, c, user, state),
      (error) => sink.fail(a, b, c, error),
    );
  } else sink.ok(a, b, c, result, state);
}
