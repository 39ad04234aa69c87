import type { Context, MiddlewareHandler } from "hono";
import { type Auth, kInternal } from "../../kernel/Auth.js";
import { AuthError, type AuthErrorCode } from "../../kernel/errors.js";
import type { BindingSpec, InternalOptions } from "../../kernel/guards.js";
import { WebRequestContext } from "../../kernel/requestContext.js";
import type { User } from "../../kernel/user.js";
import { type BoundGuard, guardFor } from "../guardFor.js";

/**
 * Context variables set by the Hono helpers: `c.get("user")`, `c.get("authError")`.
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (c) => {
 *   const user: AuthVariables["user"] = c.get("user");
 *   return c.json({ id: user?.id });
 * });
 */
export type AuthVariables = { user: User | null; authError: AuthErrorCode | null };
/**
 * Hono environment carrying {@link AuthVariables}.
 *
 * @example
 * const app = new Hono<AuthEnv>();
 * app.use(authMiddleware());
 */
export type AuthEnv = { Variables: AuthVariables };

/**
 * Options of every Hono helper: an explicit instance, else the process-wide default.
 *
 * @example
 * const options: HonoAuthOptions = { auth };
 * app.get("/v1/me", getCurrentUser(options), (c) => c.json(c.get("user")));
 */
export interface HonoAuthOptions {
  auth?: Auth;
}

function middleware({ auth, guard, usesParams }: BoundGuard): MiddlewareHandler<AuthEnv> {
  return async (c: Context<AuthEnv>, next) => {
    const request = c.req.raw;
    const state = await auth[kInternal](
      request,
      new WebRequestContext(request.headers, request.url),
    );
    try {
      c.set("user", await guard(state, usesParams ? c.req.param() : undefined));
      c.set("authError", state.error === null ? null : state.error.code);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      c.set("authError", error.code);
      return c.json(error.toJSON(), error.status as 400, {
        ...error.headers,
        "cache-control": "no-store",
      });
    }
    await next();
  };
}

/**
 * Sets `c.get("user")` (User | null) and `c.get("authError")`; never blocks.
 *
 * @example
 * app.use("*", authMiddleware());
 */
export function authMiddleware(options?: HonoAuthOptions): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.authMiddleware(options));
}

/**
 * Requires a user: 401 (missing/invalid token), 502 (proxy down).
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (c) => c.json(c.get("user")));
 */
export function getCurrentUser(options?: HonoAuthOptions): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.getCurrentUser(options));
}

/**
 * Sets the user or null; still 502 when the proxy is down.
 *
 * @example
 * app.get("/v1/maybe", getCurrentUserOptional(), (c) => c.json({ signedIn: !!c.get("user") }));
 */
export function getCurrentUserOptional(options?: HonoAuthOptions): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.getCurrentUserOptional(options));
}

/**
 * Requires a permission: 401 / 403 / 502. Throws now for an invalid name.
 *
 * @example
 * app.get("/v1/audit", requirePermission("audit"), (c) => c.json({ ok: true }));
 */
export function requirePermission(
  name: string,
  options?: HonoAuthOptions,
): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requirePermission(name, options));
}

/**
 * Requires a role: 401 / 403 / 502.
 *
 * @example
 * app.delete("/v1/users/:id", requireRole("admin"), (c) => c.body(null, 204));
 */
export function requireRole(role: string, options?: HonoAuthOptions): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requireRole(role, options));
}

/**
 * Requires at least one of the roles: 401 / 403 / 502.
 *
 * @example
 * app.get("/v1/reports", requireAnyRole(["admin", "auditor"]), (c) => c.json([]));
 */
export function requireAnyRole(
  roles: readonly string[],
  options?: HonoAuthOptions,
): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requireAnyRole(roles, options));
}

/**
 * Requires every listed OAuth scope: 401 / 403 / 502.
 *
 * @example
 * app.post("/v1/orders", requireScope("orders:write"), (c) => c.json({ ok: true }));
 */
export function requireScope(
  scopes: string | readonly string[],
  options?: HonoAuthOptions,
): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requireScope(scopes, options));
}

/**
 * Internal endpoints: app-only tokens from allow-listed clients only.
 *
 * @example
 * app.post("/internal/reindex", requireInternal({ allowedClients: ["indexer"] }), (c) => c.json({}));
 */
export function requireInternal(
  options: InternalOptions & HonoAuthOptions,
): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requireInternal(options));
}

/**
 * Checks the request's app / workspace / user id (route parameter; a header only when opted in)
 * against the token: 400 when missing, 403 when bound elsewhere, 500 when the route does not
 * declare the parameter (mount it on the route, not with `app.use`).
 *
 * @example
 * app.get("/apps/:appId/data", requireBinding({ appId: true }), (c) => c.json({}));
 */
export function requireBinding(
  spec: BindingSpec,
  options?: HonoAuthOptions,
): MiddlewareHandler<AuthEnv> {
  return middleware(guardFor.requireBinding(spec, options));
}
