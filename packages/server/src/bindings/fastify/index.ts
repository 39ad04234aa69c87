import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Auth } from "../../kernel/Auth.js";
import { AuthError, type AuthErrorCode } from "../../kernel/errors.js";
import type { BindingSpec, InternalOptions } from "../../kernel/guards.js";
import { NodeHeadersContext } from "../../kernel/requestContext.js";
import { type GuardSink, type RouteParams, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { type BoundGuard, guardFor } from "../guardFor.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The user or null, set by the auth plugin and the preHandlers. */
    user: User | null;
    /** Why `user` is null (error code), else null. */
    authError: AuthErrorCode | null;
  }
}

/**
 * Options of the Fastify plugin and preHandlers: an explicit instance, else the default.
 *
 * @example
 * const options: FastifyAuthOptions = { auth };
 * app.get("/v1/me", { preHandler: getCurrentUser(options) }, async (req) => req.user);
 */
export interface FastifyAuthOptions {
  auth?: Auth;
}

/**
 * Options of {@link authPlugin}.
 *
 * @example
 * const options: FastifyAuthPluginOptions = { auth, validateEveryRequest: false };
 * await app.register(authPlugin, options);
 */
export interface FastifyAuthPluginOptions extends FastifyAuthOptions {
  /**
   * Validate every request in an onRequest hook (the middleware), default true. Set false to
   * only decorate: then the preHandlers fill `request.user` on the routes that use them, and
   * public routes never cause an upstream call.
   */
  validateEveryRequest?: boolean;
}

/**
 * A callback-style Fastify hook (no promise hop on a cache hit).
 *
 * @example
 * const hook: FastifyAuthHook = requireScope("orders:write");
 * app.post("/v1/orders", { preHandler: hook }, createOrder);
 */
export type FastifyAuthHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
) => void;

type Done = (error?: Error) => void;

const sink: GuardSink<FastifyRequest, FastifyReply, Done> = {
  ok(request, _reply, done, user, state) {
    request.user = user;
    request.authError = state.error === null ? null : state.error.code;
    done();
  },
  fail(request, reply, done, error) {
    if (!(error instanceof AuthError)) return done(error as Error);
    request.authError = error.code;
    // Replying from a callback hook ends the lifecycle; done() must not be called.
    reply
      .code(error.status)
      .headers({ ...error.headers, "cache-control": "no-store" })
      .send(error.toJSON());
  },
};

function hook(bound: BoundGuard): FastifyAuthHook {
  return (request, reply, done) =>
    runGuard(
      bound,
      request.raw,
      new NodeHeadersContext(request.headers),
      bound.usesParams ? (request.params as RouteParams) : undefined,
      sink,
      request,
      reply,
      done,
    );
}

/**
 * Fastify plugin: decorates `request.user` / `request.authError` (a stable object shape, which
 * keeps the preHandlers fast) and fills them on every request (never blocks). Not encapsulated,
 * so it covers routes registered beside it.
 *
 * @example
 * await app.register(authPlugin);            // zero config, from env
 * await app.register(authPlugin, { auth }); // explicit instance
 */
export function authPlugin(
  fastify: FastifyInstance,
  options: FastifyAuthPluginOptions,
  done: (error?: Error) => void,
): void {
  fastify.decorateRequest("user", null);
  fastify.decorateRequest("authError", null);
  if (options.validateEveryRequest !== false) {
    fastify.addHook("onRequest", hook(guardFor.authMiddleware(options)));
  }
  done();
}
// Same effect as fastify-plugin: skip encapsulation, without a runtime dependency.
Object.assign(authPlugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@org/auth-server",
});

/**
 * preHandler requiring a user: 401 (missing/invalid token), 502 (proxy down).
 *
 * @example
 * app.get("/v1/me", { preHandler: getCurrentUser() }, async (request) => request.user);
 */
export function getCurrentUser(options?: FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.getCurrentUser(options));
}

/**
 * preHandler setting `request.user` to the user or null; still 502 when the proxy is down.
 *
 * @example
 * app.get("/v1/maybe", { preHandler: getCurrentUserOptional() }, async (r) => ({ in: !!r.user }));
 */
export function getCurrentUserOptional(options?: FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.getCurrentUserOptional(options));
}

/**
 * preHandler requiring a permission: 401 / 403 / 502. Throws now for an invalid name.
 *
 * @example
 * app.get("/v1/audit", { preHandler: requirePermission("audit") }, async () => ({ ok: true }));
 */
export function requirePermission(name: string, options?: FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.requirePermission(name, options));
}

/**
 * preHandler requiring a role: 401 / 403 / 502.
 *
 * @example
 * app.delete("/v1/users/:id", { preHandler: requireRole("admin") }, handler);
 */
export function requireRole(role: string, options?: FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.requireRole(role, options));
}

/**
 * preHandler requiring at least one of the roles: 401 / 403 / 502.
 *
 * @example
 * app.get("/v1/reports", { preHandler: requireAnyRole(["admin", "auditor"]) }, handler);
 */
export function requireAnyRole(
  roles: readonly string[],
  options?: FastifyAuthOptions,
): FastifyAuthHook {
  return hook(guardFor.requireAnyRole(roles, options));
}

/**
 * preHandler requiring every listed OAuth scope: 401 / 403 / 502.
 *
 * @example
 * app.post("/v1/orders", { preHandler: requireScope("orders:write") }, handler);
 */
export function requireScope(
  scopes: string | readonly string[],
  options?: FastifyAuthOptions,
): FastifyAuthHook {
  return hook(guardFor.requireScope(scopes, options));
}

/**
 * preHandler for internal endpoints: app-only tokens from allow-listed clients only.
 *
 * @example
 * app.post("/internal/reindex", { preHandler: requireInternal({ allowedClients: ["indexer"] }) }, handler);
 */
export function requireInternal(options: InternalOptions & FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.requireInternal(options));
}

/**
 * preHandler checking the request's app / workspace / user id (route parameter; a header only
 * when opted in) against the token: 400 when missing, 403 when bound elsewhere, 500 when the
 * route does not declare the parameter.
 *
 * @example
 * app.get("/apps/:appId/data", { preHandler: requireBinding({ appId: true }) }, handler);
 */
export function requireBinding(spec: BindingSpec, options?: FastifyAuthOptions): FastifyAuthHook {
  return hook(guardFor.requireBinding(spec, options));
}
