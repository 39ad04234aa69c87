import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "../../kernel/Auth.js";
import { AuthError, type AuthErrorCode } from "../../kernel/errors.js";
import type { BindingSpec, InternalOptions } from "../../kernel/guards.js";
import { NodeHeadersContext } from "../../kernel/requestContext.js";
import { type GuardSink, type RouteParams, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { type BoundGuard, guardFor } from "../guardFor.js";
import { sendAuthError } from "../sendAuthError.js";

declare global {
  namespace Express {
    interface Request {
      /** Set by the auth middleware / guards: the user or null. */
      user?: User | null;
      /** Why `user` is null (error code): always set by the middleware (null when there is no
       * error); guards set it only to record an error or clear a stale one. */
      authError?: AuthErrorCode | null;
    }
  }
}

/**
 * Options of every Express helper: an explicit instance, else the process-wide default.
 *
 * @example
 * const options: ExpressAuthOptions = { auth: createAuth({ cacheTtlSeconds: 10 }) };
 * app.get("/v1/me", getCurrentUser(options), (req, res) => res.json(req.user));
 */
export interface ExpressAuthOptions {
  auth?: Auth;
}

/**
 * The request as the helpers see it: Express's, with `user` / `authError` attached.
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (req: AuthRequest, res) => res.json({ id: req.user?.id }));
 */
export type AuthRequest = IncomingMessage & {
  user?: User | null;
  authError?: AuthErrorCode | null;
};
/**
 * An Express (4 or 5) request handler.
 *
 * @example
 * const guard: ExpressHandler = requireRole("admin");
 * app.delete("/v1/items/:id", guard, remove);
 */
export type ExpressHandler = (
  req: AuthRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

type Next = (error?: unknown) => void;

function fail(req: AuthRequest, res: ServerResponse, next: Next, error: unknown): void {
  if (!(error instanceof AuthError)) {
    next(error);
    return;
  }
  req.authError = error.code;
  sendAuthError(res, error);
}

/** The middleware always attaches both properties: `null` is part of its contract. */
const middlewareSink: GuardSink<AuthRequest, ServerResponse, Next> = {
  ok(req, _res, next, user, state) {
    req.user = user;
    req.authError = state.error === null ? null : state.error.code;
    next();
  },
  fail,
};

/**
 * Guards set `req.user` and touch `req.authError` only to record an error or clear a stale one.
 * Express 5 gives every request object its own hidden class (its prototype is swapped per
 * request), so each property added costs about 1 µs, and a let-through request has no error.
 */
const guardSink: GuardSink<AuthRequest, ServerResponse, Next> = {
  ok(req, _res, next, user, state) {
    req.user = user;
    const code = state.error === null ? null : state.error.code;
    if (code !== null || (req.authError ?? null) !== null) req.authError = code;
    next();
  },
  fail,
};

function handler(
  bound: BoundGuard,
  sink: GuardSink<AuthRequest, ServerResponse, Next> = guardSink,
): ExpressHandler {
  return (req, res, next) =>
    runGuard(
      bound,
      req,
      new NodeHeadersContext(req.headers),
      bound.usesParams ? (req as { params?: RouteParams }).params : undefined,
      sink,
      req,
      res,
      next,
    );
}

/**
 * Attaches `req.user` (User | null) and `req.authError` (code | null); never blocks, even when the
 * proxy is down.
 *
 * @example
 * app.use(authMiddleware());
 */
export function authMiddleware(options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.authMiddleware(options), middlewareSink);
}

/**
 * Requires an authenticated user: 401 (missing/invalid token), 502 (proxy down).
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (req, res) => res.json(req.user));
 */
export function getCurrentUser(options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.getCurrentUser(options));
}

/**
 * Sets `req.user` to the user or null (missing/invalid token); still 502 when the proxy is down.
 *
 * @example
 * app.get("/v1/maybe", getCurrentUserOptional(), (req, res) => res.json({ signedIn: !!req.user }));
 */
export function getCurrentUserOptional(options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.getCurrentUserOptional(options));
}

/**
 * Requires a permission: 401 / 403 / 502. Throws now if `name` is outside `[A-Za-z0-9_-]+`.
 *
 * @example
 * app.get("/v1/audit", requirePermission("audit"), (req, res) => res.json({ ok: true }));
 */
export function requirePermission(name: string, options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.requirePermission(name, options));
}

/**
 * Requires a role (Keycloak realm/client roles, `roles`, `groups`…): 401 / 403 / 502.
 *
 * @example
 * app.delete("/v1/users/:id", requireRole("admin"), handler);
 */
export function requireRole(role: string, options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.requireRole(role, options));
}

/**
 * Requires at least one of the roles: 401 / 403 / 502.
 *
 * @example
 * app.get("/v1/reports", requireAnyRole(["admin", "auditor"]), handler);
 */
export function requireAnyRole(
  roles: readonly string[],
  options?: ExpressAuthOptions,
): ExpressHandler {
  return handler(guardFor.requireAnyRole(roles, options));
}

/**
 * Requires every listed OAuth scope (`scope` / `scp`): 401 / 403 / 502.
 *
 * @example
 * app.post("/v1/orders", requireScope("orders:write"), handler);
 */
export function requireScope(
  scopes: string | readonly string[],
  options?: ExpressAuthOptions,
): ExpressHandler {
  return handler(guardFor.requireScope(scopes, options));
}

/**
 * Internal endpoints: app-only (client credentials) tokens from allow-listed clients only.
 *
 * @example
 * app.post("/internal/reindex", requireInternal({ allowedClients: ["indexer"] }), handler);
 */
export function requireInternal(options: InternalOptions & ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.requireInternal(options));
}

/**
 * Checks the request's app / workspace / user id (route parameter; a header only when opted in)
 * against the token: 400 when missing, 403 when bound elsewhere, 500 when the route does not
 * declare the parameter (mount it on the route, not with `app.use`).
 *
 * @example
 * app.get("/apps/:appId/users/:userId", requireBinding({ appId: true, userId: true }), handler);
 */
export function requireBinding(spec: BindingSpec, options?: ExpressAuthOptions): ExpressHandler {
  return handler(guardFor.requireBinding(spec, options));
}
