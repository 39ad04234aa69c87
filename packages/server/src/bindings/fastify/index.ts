import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Auth } from "../../kernel/Auth.js";
import { errorAnswer } from "../../kernel/errorAnswer.js";
import type { AuthErrorCode } from "../../kernel/errors.js";
import type { RouteParams } from "../../kernel/Guard.js";
import { NodeHeadersContext } from "../../kernel/requestContext.js";
import { type Binding, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { defineHelpers } from "../helpers.js";
import { readLogoutBody } from "../readLogoutBody.js";

export type { GuardHelpers, GuardOptions } from "../helpers.js";

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
  /** {@inheritDoc GuardOptions.maxTokenAge} */
  maxTokenAge?: number;
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

/**
 * A Fastify route handler (the back-channel logout and protected resource metadata routes).
 *
 * @example
 * const handler: FastifyRouteHandler = backchannelLogout();
 * scope.post("/auth/backchannel-logout", handler);
 */
export type FastifyRouteHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply>;

type Done = (error?: Error) => void;

const binding: Binding<FastifyRequest, FastifyReply, Done, void> = {
  context: (request) => new NodeHeadersContext(request.headers),
  memo: (request) => request.raw,
  params: (request) => request.params as RouteParams,
  allow(request, _reply, done, user, error) {
    request.user = user;
    request.authError = error === null ? null : error.code;
    done();
  },
  refuse(request, reply, _done, error) {
    request.authError = error.code;
    // Replying from a callback hook ends the lifecycle; done() must not be called.
    const { status, headers, body } = errorAnswer(error);
    reply.code(status).headers(headers).send(body);
  },
  crash: (_request, _reply, done, error) => done(error as Error),
};

const helpers = defineHelpers<FastifyAuthHook, FastifyAuthOptions, FastifyRouteHandler>(
  (bound) => (req, reply, done) => {
    runGuard(bound, binding, req, reply, done);
  },
  // Fastify reads bodies through its content-type parsers: `request.body` holds the form.
  (answer) => async (request, reply) => {
    const { status, headers, body } = await answer(request.headers["content-type"], () =>
      readLogoutBody(request.raw, request.body),
    );
    return reply.code(status).headers(headers).send(body);
  },
);

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
    fastify.addHook("onRequest", helpers.authMiddleware(options));
  }
  done();
}
// Same effect as fastify-plugin: skip encapsulation, without a runtime dependency.
Object.assign(authPlugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@org/auth-server",
});

/** {@inheritDoc GuardHelpers.getCurrentUser} @example app.get("/v1/me", { preHandler: getCurrentUser() }, async (request) => request.user); */
export const getCurrentUser = helpers.getCurrentUser;
/** {@inheritDoc GuardHelpers.getCurrentUserOptional} @example app.get("/v1/maybe", { preHandler: getCurrentUserOptional() }, async (r) => ({ in: !!r.user })); */
export const getCurrentUserOptional = helpers.getCurrentUserOptional;
/** {@inheritDoc GuardHelpers.requirePermission} @example app.get("/v1/audit", { preHandler: requirePermission("audit") }, async () => ({ ok: true })); */
export const requirePermission = helpers.requirePermission;
/** {@inheritDoc GuardHelpers.requireRole} @example app.delete("/v1/users/:id", { preHandler: requireRole("admin") }, handler); */
export const requireRole = helpers.requireRole;
/** {@inheritDoc GuardHelpers.requireAnyRole} @example app.get("/v1/reports", { preHandler: requireAnyRole(["admin", "auditor"]) }, handler); */
export const requireAnyRole = helpers.requireAnyRole;
/** {@inheritDoc GuardHelpers.requireScope} @example app.post("/v1/orders", { preHandler: requireScope("orders:write") }, handler); */
export const requireScope = helpers.requireScope;
/** {@inheritDoc GuardHelpers.requireAuthLevel} @example app.post("/v1/workspace/delete", { preHandler: requireAuthLevel({ acr: ["mfa"], maxAge: 300 }) }, handler); */
export const requireAuthLevel = helpers.requireAuthLevel;
/** {@inheritDoc GuardHelpers.requireInternal} @example app.post("/internal/reindex", { preHandler: requireInternal({ allowedClients: ["indexer"] }) }, handler); */
export const requireInternal = helpers.requireInternal;
/** {@inheritDoc GuardHelpers.requireBinding} @example app.get("/apps/:appId/data", { preHandler: requireBinding({ appId: true }) }, handler); */
export const requireBinding = helpers.requireBinding;
/** {@inheritDoc GuardHelpers.claimEquals} @example app.get("/v1/org", { preHandler: claimEquals("org_id", "acme") }, handler); */
export const claimEquals = helpers.claimEquals;
/** {@inheritDoc GuardHelpers.claimIncludes} @example app.get("/v1/billing", { preHandler: claimIncludes("groups", "billing") }, handler); */
export const claimIncludes = helpers.claimIncludes;
/** {@inheritDoc GuardHelpers.claimCheck} @example app.get("/v1/x", { preHandler: claimCheck((claims) => claims.email_verified === true, "a verified email") }, handler); */
export const claimCheck = helpers.claimCheck;
/**
 * The OpenID back-channel logout endpoint as a route handler (see
 * {@link GuardHelpers.backchannelLogout}). Fastify parses bodies itself: give the route's scope a
 * bounded string parser for forms (or register `@fastify/formbody`).
 *
 * @example
 * await app.register(async (scope) => {
 *   scope.addContentTypeParser(
 *     "application/x-www-form-urlencoded",
 *     { parseAs: "string", bodyLimit: MAX_LOGOUT_BODY_BYTES },
 *     (_request, body, done) => done(null, body),
 *   );
 *   scope.post("/auth/backchannel-logout", backchannelLogout());
 * });
 */
export const backchannelLogout = helpers.backchannelLogout;
/** {@inheritDoc GuardHelpers.protectedResourceMetadata} @example app.get(resourceMetadataPath("https://api.example.com/mcp"), protectedResourceMetadata()); */
export const protectedResourceMetadata = helpers.protectedResourceMetadata;
