import { type Auth, kInternal, optionalUser, type RequestAuthState, requireUser } from "./Auth.js";
import { assertPermissionName } from "./permissionName.js";
import { reportServerError } from "./reportServerError.js";
import type { RequestContext } from "./types.js";
import type { User } from "./user.js";

/** The route's path parameters (e.g. Express `req.params`), read by `requireBinding` only. */
export type RouteParams = Readonly<Record<string, string | undefined>> | undefined;

/** What a route asks of the request's auth state: nothing (middleware), a user, a permission. */
export type Guard = (
  state: RequestAuthState,
  params: RouteParams,
) => User | null | Promise<User | null>;

/** What a binding runs per request: a guard and the Auth instance whose state it checks. */
export interface BoundGuard {
  readonly auth: Auth;
  readonly guard: Guard;
  /** Whether the guard reads the route parameters; bindings skip reading them otherwise (on
   * Express 5 every request-property read costs ~0.3 µs, and Hono builds a new object). */
  readonly usesParams: boolean;
}

/** Options every binding helper accepts: an explicit instance, else the process-wide default. */
export interface GuardOptions {
  auth?: Auth;
}

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
 * Runs a bound guard against the request's (memoised, keyed by `request`) auth state. Stays
 * synchronous and allocation-free on a cache hit, so bindings add no promise hop to the hot path;
 * `a`, `b`, `c` are passed through to the sink (e.g. req, res, next).
 */
export function runGuard<A, B, C>(
  bound: BoundGuard,
  request: object,
  ctx: RequestContext,
  params: RouteParams,
  sink: GuardSink<A, B, C>,
  a: A,
  b: B,
  c: C,
): void {
  const state = bound.auth[kInternal](request, ctx);
  if (state instanceof Promise) {
    settle(state, (resolved) => applyGuard(sink, a, b, c, resolved, bound, params), sink, a, b, c);
  } else applyGuard(sink, a, b, c, state, bound, params);
}

/** The guard's verdict on a resolved state, handed to the sink (sync unless the guard is async). */
function applyGuard<A, B, C>(
  sink: GuardSink<A, B, C>,
  a: A,
  b: B,
  c: C,
  state: RequestAuthState,
  { auth, guard }: BoundGuard,
  params: RouteParams,
): void {
  // Operators see why a request got a 5xx (the body is generic), even behind the middleware.
  if (state.error !== null) reportServerError(auth.logger, state.error);
  let result: User | null | Promise<User | null>;
  try {
    result = guard(state, params);
  } catch (error) {
    reportServerError(auth.logger, error);
    sink.fail(a, b, c, error);
    return;
  }
  if (result instanceof Promise) {
    settle(
      result,
      (user) => sink.ok(a, b, c, user, state),
      sink,
      a,
      b,
      c,
      (error) => reportServerError(auth.logger, error),
    );
  } else sink.ok(a, b, c, result, state);
}

/** The slow path (a cache miss or an upstream permission check): any rejection goes to `fail`. */
function settle<T, A, B, C>(
  promise: Promise<T>,
  onValue: (value: T) => void,
  sink: GuardSink<A, B, C>,
  a: A,
  b: B,
  c: C,
  report?: (error: unknown) => void,
): void {
  promise.then(onValue, (error) => {
    report?.(error);
    sink.fail(a, b, c, error);
  });
}
