import type { Context, MiddlewareHandler, Next } from "hono";
import type { Auth } from "../../kernel/Auth.js";
import { errorAnswer } from "../../kernel/errorAnswer.js";
import type { AuthErrorCode } from "../../kernel/errors.js";
import { WebRequestContext } from "../../kernel/requestContext.js";
import { type Binding, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { defineHelpers, type GuardHelpers } from "../helpers.js";
import { readLogoutBody } from "../readLogoutBody.js";

export type { GuardHelpers, GuardOptions } from "../helpers.js";

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
  /** {@inheritDoc GuardOptions.maxTokenAge} */
  maxTokenAge?: number;
}

type Answer = Promise<void> | Response;

const hono: Binding<Context<AuthEnv>, undefined, Next, Answer> = {
  context: (c) => new WebRequestContext(c.req.raw.headers, c.req.raw.url),
  memo: (c) => c.req.raw,
  params: (c) => c.req.param(),
  allow(c, _res, next, user, error) {
    c.set("user", user);
    c.set("authError", error === null ? null : error.code);
    return next();
  },
  refuse(c, _res, _next, error) {
    c.set("authError", error.code);
    const { status, headers, body } = errorAnswer(error);
    return c.body(body, status as 401, headers);
  },
  crash(_c, _res, _next, error) {
    throw error;
  },
};

/**
 * A Hono route handler (the back-channel logout and protected resource metadata routes).
 *
 * @example
 * const handler: HonoRouteHandler = backchannelLogout();
 * app.post("/auth/backchannel-logout", handler);
 */
export type HonoRouteHandler = (c: Context) => Promise<Response>;

const helpers = defineHelpers<MiddlewareHandler<AuthEnv>, HonoAuthOptions, HonoRouteHandler>(
  (bound) => async (c, next) => runGuard(bound, hono, c, undefined, next),
  (answer) => async (c) => {
    const { status, headers, body } = await answer(c.req.header("content-type"), () =>
      readLogoutBody(c.req.raw),
    );
    return c.body(body, status as 200, headers);
  },
);

/** {@inheritDoc GuardHelpers.authMiddleware} @example app.use("*", authMiddleware()); */
export const authMiddleware = helpers.authMiddleware;
/**
 * Hono environment behind a guard that requires a user (`getCurrentUser`, `requirePermission`,
 * `requireRole`…): Hono merges a middleware's environment into the next handlers', so there
 * `c.get("user")` is a `User`, not `User | null`.
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (c) => c.json({ email: c.get("user").email }));
 */
export type SignedInEnv = { Variables: { user: User; authError: null } };
/**
 * A guard that lets a request through only with a user ({@link SignedInEnv}).
 *
 * @example
 * const guard: SignedInHandler = requireRole("admin");
 */
export type SignedInHandler = MiddlewareHandler<SignedInEnv>;

// The same functions, typed for what they guarantee: a user once they let a request through.
const signedIn = helpers as unknown as GuardHelpers<SignedInHandler, HonoAuthOptions>;

/** {@inheritDoc GuardHelpers.getCurrentUser} @example app.get("/v1/me", getCurrentUser(), (c) => c.json(c.get("user"))); */
export const getCurrentUser = signedIn.getCurrentUser;
/** {@inheritDoc GuardHelpers.getCurrentUserOptional} @example app.get("/v1/maybe", getCurrentUserOptional(), (c) => c.json({ signedIn: !!c.get("user") })); */
export const getCurrentUserOptional = helpers.getCurrentUserOptional;
/** {@inheritDoc GuardHelpers.requirePermission} @example app.get("/v1/audit", requirePermission("audit"), (c) => c.json({ ok: true })); */
export const requirePermission = signedIn.requirePermission;
/** {@inheritDoc GuardHelpers.requireRole} @example app.delete("/v1/users/:id", requireRole("admin"), (c) => c.body(null, 204)); */
export const requireRole = signedIn.requireRole;
/** {@inheritDoc GuardHelpers.requireAnyRole} @example app.get("/v1/reports", requireAnyRole(["admin", "auditor"]), (c) => c.json([])); */
export const requireAnyRole = signedIn.requireAnyRole;
/** {@inheritDoc GuardHelpers.requireScope} @example app.post("/v1/orders", requireScope("orders:write"), (c) => c.json({ ok: true })); */
export const requireScope = signedIn.requireScope;
/** {@inheritDoc GuardHelpers.requireAuthLevel} @example app.post("/v1/workspace/delete", requireAuthLevel({ acr: ["mfa"], maxAge: 300 }), (c) => c.json({ ok: true })); */
export const requireAuthLevel = signedIn.requireAuthLevel;
/** {@inheritDoc GuardHelpers.requireInternal} @example app.post("/internal/reindex", requireInternal({ allowedClients: ["indexer"] }), (c) => c.json({})); */
export const requireInternal = signedIn.requireInternal;
/** {@inheritDoc GuardHelpers.requireBinding} @example app.get("/apps/:appId/data", requireBinding({ appId: true }), (c) => c.json({})); */
export const requireBinding = signedIn.requireBinding;
/** {@inheritDoc GuardHelpers.claimEquals} @example app.get("/v1/org", claimEquals("org_id", "acme"), (c) => c.json({})); */
export const claimEquals = signedIn.claimEquals;
/** {@inheritDoc GuardHelpers.claimIncludes} @example app.get("/v1/billing", claimIncludes("groups", "billing"), (c) => c.json({})); */
export const claimIncludes = signedIn.claimIncludes;
/** {@inheritDoc GuardHelpers.claimCheck} @example app.get("/v1/x", claimCheck((claims) => claims.email_verified === true, "a verified email"), (c) => c.json({})); */
export const claimCheck = signedIn.claimCheck;
/** {@inheritDoc GuardHelpers.backchannelLogout} @example app.post("/auth/backchannel-logout", backchannelLogout()); */
export const backchannelLogout = helpers.backchannelLogout;
/** {@inheritDoc GuardHelpers.protectedResourceMetadata} @example app.get(resourceMetadataPath("https://api.example.com/mcp"), protectedResourceMetadata()); */
export const protectedResourceMetadata = helpers.protectedResourceMetadata;
