import { logRefusal } from "./decisionLog.js";
import { decisionReason } from "./decisionReason.js";
import { AuthError } from "./errors.js";
import type { BoundGuard, RouteParams } from "./Guard.js";
import { ageLimitedState } from "./guards/tokenAgeGuard.js";
import type { RequestAuthState } from "./RequestAuthState.js";
import { reportServerError } from "./reportServerError.js";
import type { RequestContext } from "./types.js";
import type { User } from "./user.js";

/**
 * How one framework reads a request, answers and continues: all a binding writes. `Req`, `Res`
 * and `Next` are the framework handler's own arguments, passed through untouched (no closure per
 * request); `R` is what the handler returns.
 */
export interface Binding<Req, Res, Next, R> {
  /** Header access over the request (lower-case names). */
  context(req: Req): RequestContext;
  /** The object a pending validation is memoised on (shared by middleware and guards). */
  memo(req: Req): object | undefined;
  /** The route parameters; called only for guards that read them. */
  params(req: Req, res: Res): RouteParams;
  /** The token when the framework carries it elsewhere (WebSocket upgrades); default: headers. */
  token?(req: Req, ctx: RequestContext): string | null;
  /** Let the request through with the user (null when none) and the reason there is none. */
  allow(req: Req, res: Res, next: Next, user: User | null, error: AuthError | null): R;
  /** The middleware's variant of `allow` (it always attaches both); default `allow`. */
  attach?(req: Req, res: Res, next: Next, user: User | null, error: AuthError | null): R;
  /** Answer an AuthError (see `errorAnswer`). */
  refuse(req: Req, res: Res, next: Next, error: AuthError): R;
  /** Hand anything else (a bug, not an auth outcome) to the framework's error path. */
  crash(req: Req, res: Res, next: Next, error: unknown): R;
}

/**
 * The one guard pipeline: resolves the request's state (synchronous on a cache hit), applies
 * the guard (skipped when auth is disabled: every guard lets the anonymous user through),
 * reports a 5xx cause once, and hands the user or the error to the binding.
 */
export function runGuard<Req, Res, Next, R>(
  bound: BoundGuard,
  binding: Binding<Req, Res, Next, R>,
  req: Req,
  res: Res,
  next: Next,
): R | Promise<R> {
  let state: RequestAuthState | Promise<RequestAuthState>;
  try {
    const ctx = binding.context(req);
    const token = binding.token === undefined ? undefined : binding.token(req, ctx);
    state = bound.auth.stateFor(ctx, binding.memo(req), token);
  } catch (error) {
    return fail(bound, binding, error, req, res, next);
  }
  if (state instanceof Promise) {
    return state.then(
      (resolved) => decide(bound, binding, resolved, req, res, next),
      (error) => fail(bound, binding, error, req, res, next),
    );
  }
  return decide(bound, binding, state, req, res, next);
}

function decide<Req, Res, Next, R>(
  bound: BoundGuard,
  binding: Binding<Req, Res, Next, R>,
  state: RequestAuthState,
  req: Req,
  res: Res,
  next: Next,
): R | Promise<R> {
  // Operators see why a request got a 5xx (the body is generic), even behind the middleware.
  if (state.error !== null) reportServerError(bound.auth.logger, state.error);
  // A token older than `maxTokenAge` is as invalid as an expired one, for guard and middleware.
  const maxAge = bound.auth.disabled
    ? undefined
    : stricter(bound.maxTokenAge, bound.auth.maxTokenAge);
  const aged =
    maxAge === undefined
      ? state
      : ageLimitedState(state, maxAge, bound.auth.clockToleranceSeconds, Date.now());
  return decideOn(bound, binding, aged, req, res, next);
}

function decideOn<Req, Res, Next, R>(
  bound: BoundGuard,
  binding: Binding<Req, Res, Next, R>,
  state: RequestAuthState,
  req: Req,
  res: Res,
  next: Next,
): R | Promise<R> {
  let result: User | null | Promise<User | null>;
  try {
    result = bound.auth.disabled
      ? state.user
      : bound.guard(state, bound.usesParams ? binding.params(req, res) : undefined);
  } catch (error) {
    return fail(bound, binding, error, req, res, next);
  }
  if (result instanceof Promise) {
    return result.then(
      (user) => allow(bound, binding, user, state, req, res, next),
      (error) => fail(bound, binding, error, req, res, next),
    );
  }
  return allow(bound, binding, result, state, req, res, next);
}

function allow<Req, Res, Next, R>(
  bound: BoundGuard,
  binding: Binding<Req, Res, Next, R>,
  user: User | null,
  state: RequestAuthState,
  req: Req,
  res: Res,
  next: Next,
): R {
  countAllowed(bound, user, state);
  if (bound.attach && binding.attach !== undefined) {
    return binding.attach(req, res, next, user, state.error);
  }
  return binding.allow(req, res, next, user, state.error);
}

/** The smaller of two optional limits: a guard's own `maxTokenAge` only ever tightens. */
function stricter(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function fail<Req, Res, Next, R>(
  bound: BoundGuard,
  binding: Binding<Req, Res, Next, R>,
  error: unknown,
  req: Req,
  res: Res,
  next: Next,
): R {
  reportServerError(bound.auth.logger, error);
  if (!(error instanceof AuthError)) return binding.crash(req, res, next, error);
  const reason = decisionReason(error);
  bound.auth.telemetry.decision("refused", reason, error.status);
  if (error.status < 500) logRefusal(bound.auth.logger, error, reason);
  return binding.refuse(req, res, next, bound.auth.challenge?.(error) ?? error);
}

/** Counts a request let through: with its user, or without one (and why not). */
function countAllowed(bound: BoundGuard, user: User | null, state: RequestAuthState): void {
  if (user !== null && !bound.auth.disabled) {
    bound.auth.telemetry.allowed(user.id);
    return;
  }
  const reason = bound.auth.disabled
    ? "auth_disabled"
    : state.error === null
      ? "no_token"
      : decisionReason(state.error);
  bound.auth.telemetry.decision("anonymous", reason, 0);
}

/**
 * A binding for call-style helpers (`auth.getCurrentUser(req)`, the node and WebSocket helpers):
 * returns what `allow` makes of the user (default: the user or null) and throws the error;
 * route parameters travel in the `res` slot.
 */
export function callBinding<Req, R = User | null>(
  context: (req: Req) => RequestContext,
  options: {
    token?: (req: Req, ctx: RequestContext) => string | null;
    allow?: (user: User | null, error: AuthError | null) => R;
  } = {},
): Binding<Req, RouteParams, undefined, R> {
  const make = options.allow ?? ((user: User | null) => user as R);
  return {
    context,
    memo: (req) => (typeof req === "object" && req !== null ? req : undefined),
    params: (_req, params) => params,
    ...(options.token === undefined ? {} : { token: options.token }),
    allow: (_req, _params, _next, user, error) => make(user, error),
    refuse: rethrow,
    crash: rethrow,
  };
}

function rethrow(_req: unknown, _params: unknown, _next: unknown, error: unknown): never {
  throw error;
}

/** Runs a guard through a {@link callBinding}: the user (or null), else the rejection. */
export function resolveUser<Req>(
  bound: BoundGuard,
  binding: Binding<Req, RouteParams, undefined, User | null>,
  req: Req,
  params?: RouteParams,
): Promise<User | null> {
  try {
    const result = runGuard(bound, binding, req, params, undefined);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}
