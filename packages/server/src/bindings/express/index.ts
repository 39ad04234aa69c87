import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "../../kernel/Auth.js";
import type { AuthErrorCode } from "../../kernel/errors.js";
import type { RouteParams } from "../../kernel/Guard.js";
import { NodeHeadersContext } from "../../kernel/requestContext.js";
import { type Binding, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { defineHelpers } from "../helpers.js";
import { readLogoutBody } from "../readLogoutBody.js";
import { sendAnswer, sendAuthError } from "../sendAuthError.js";

export type { GuardHelpers, GuardOptions } from "../helpers.js";

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
  /** {@inheritDoc GuardOptions.maxTokenAge} */
  maxTokenAge?: number;
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

const express: Binding<AuthRequest, ServerResponse, Next, void> = {
  context: (req) => new NodeHeadersContext(req.headers),
  memo: (req) => req,
  params: (req) => (req as { params?: RouteParams }).params,
  // Guards set `req.user`, and `req.authError` only to record an error or clear a stale one:
  // Express 5 gives every request its own hidden class, so each property added costs ~1 µs.
  allow(req, _res, next, user, error) {
    req.user = user;
    const code = error === null ? null : error.code;
    if (code !== null || (req.authError ?? null) !== null) req.authError = code;
    next();
  },
  // The middleware always attaches both properties: `null` is part of its contract.
  attach(req, _res, next, user, error) {
    req.user = user;
    req.authError = error === null ? null : error.code;
    next();
  },
  refuse(req, res, _next, error) {
    req.authError = error.code;
    sendAuthError(res, error);
  },
  crash: (_req, _res, next, error) => next(error),
};

const helpers = defineHelpers<ExpressHandler, ExpressAuthOptions>(
  (bound) => (req, res, next) => {
    runGuard(bound, express, req, res, next);
  },
  // A body parser mounted before the route (express.urlencoded) has already read the stream.
  (answer) => (req, res, next) => {
    const parsed = (req as { body?: unknown }).body;
    answer(req.headers["content-type"], () => readLogoutBody(req, parsed)).then(
      (reply) => sendAnswer(res, reply),
      next,
    );
  },
);

/** {@inheritDoc GuardHelpers.authMiddleware} @example app.use(authMiddleware()); */
export const authMiddleware = helpers.authMiddleware;
/** {@inheritDoc GuardHelpers.getCurrentUser} @example app.get("/v1/me", getCurrentUser(), (req, res) => res.json(req.user)); */
export const getCurrentUser = helpers.getCurrentUser;
/** {@inheritDoc GuardHelpers.getCurrentUserOptional} @example app.get("/v1/maybe", getCurrentUserOptional(), (req, res) => res.json({ signedIn: !!req.user })); */
export const getCurrentUserOptional = helpers.getCurrentUserOptional;
/** {@inheritDoc GuardHelpers.requirePermission} @example app.get("/v1/audit", requirePermission("audit"), handler); */
export const requirePermission = helpers.requirePermission;
/** {@inheritDoc GuardHelpers.requireRole} @example app.delete("/v1/users/:id", requireRole("admin"), handler); */
export const requireRole = helpers.requireRole;
/** {@inheritDoc GuardHelpers.requireAnyRole} @example app.get("/v1/reports", requireAnyRole(["admin", "auditor"]), handler); */
export const requireAnyRole = helpers.requireAnyRole;
/** {@inheritDoc GuardHelpers.requireScope} @example app.post("/v1/orders", requireScope("orders:write"), handler); */
export const requireScope = helpers.requireScope;
/** {@inheritDoc GuardHelpers.requireAuthLevel} @example app.post("/v1/workspace/delete", requireAuthLevel({ acr: ["mfa"], maxAge: 300 }), handler); */
export const requireAuthLevel = helpers.requireAuthLevel;
/** {@inheritDoc GuardHelpers.requireInternal} @example app.post("/internal/reindex", requireInternal({ allowedClients: ["indexer"] }), handler); */
export const requireInternal = helpers.requireInternal;
/** {@inheritDoc GuardHelpers.requireBinding} @example app.get("/apps/:appId/data", requireBinding({ appId: true }), handler); */
export const requireBinding = helpers.requireBinding;
/** {@inheritDoc GuardHelpers.claimEquals} @example app.get("/v1/org", claimEquals("org_id", "acme"), handler); */
export const claimEquals = helpers.claimEquals;
/** {@inheritDoc GuardHelpers.claimIncludes} @example app.get("/v1/billing", claimIncludes("groups", "billing", "staff"), handler); */
export const claimIncludes = helpers.claimIncludes;
/** {@inheritDoc GuardHelpers.claimCheck} @example app.get("/v1/x", claimCheck((claims) => claims.email_verified === true, "a verified email"), handler); */
export const claimCheck = helpers.claimCheck;
/** {@inheritDoc GuardHelpers.backchannelLogout} @example app.post("/auth/backchannel-logout", backchannelLogout()); */
export const backchannelLogout = helpers.backchannelLogout;
/** {@inheritDoc GuardHelpers.protectedResourceMetadata} @example app.get(resourceMetadataPath("https://api.example.com/mcp"), protectedResourceMetadata()); */
export const protectedResourceMetadata = helpers.protectedResourceMetadata;
