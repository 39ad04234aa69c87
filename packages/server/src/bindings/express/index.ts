import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "../../core/Auth.js";
import { resolveAuth } from "../../core/defaultAuth.js";
import { assertPermissionName } from "../../core/permissionName.js";
import { NodeHeadersContext } from "../../core/requestContext.js";
import {
  attachGuard,
  type Guard,
  optionalGuard,
  permissionGuard,
  requiredGuard,
  runGuard,
} from "../../core/runGuard.js";
import { sendAuthError } from "../../core/sendAuthError.js";
import { AuthError, type AuthErrorCode } from "../../errors.js";
import type { User } from "../../user.js";

declare global {
  namespace Express {
    interface Request {
      /** Set by the auth middleware / guards: the user or null. */
      user?: User | null;
      /** Set by the auth middleware / guards: why `user` is null (error code), else null. */
      authError?: AuthErrorCode | null;
    }
  }
}

/** Options of every Express helper: an explicit instance, else the process-wide default. */
export interface ExpressAuthOptions {
  auth?: Auth;
}

type AuthRequest = IncomingMessage & { user?: User | null; authError?: AuthErrorCode | null };
/** An Express (4 or 5) request handler. */
export type ExpressHandler = (
  req: AuthRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

function handler(auth: Auth, guard: Guard): ExpressHandler {
  return (req, res, next) =>
    runGuard(
      auth,
      req,
      new NodeHeadersContext(req.headers),
      guard,
      (user, state) => {
        req.user = user;
        req.authError = state.error === null ? null : state.error.code;
        next();
      },
      (error) => {
        if (!(error instanceof AuthError)) return next(error);
        req.authError = error.code;
        sendAuthError(res, error);
      },
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
  return handler(resolveAuth(options), attachGuard);
}

/**
 * Requires an authenticated user: 401 (missing/invalid token), 502 (proxy down).
 *
 * @example
 * app.get("/v1/me", getCurrentUser(), (req, res) => res.json(req.user));
 */
export function getCurrentUser(options?: ExpressAuthOptions): ExpressHandler {
  return handler(resolveAuth(options), requiredGuard);
}

/**
 * Sets `req.user` to the user or null (missing/invalid token); still 502 when the proxy is down.
 *
 * @example
 * app.get("/v1/maybe", getCurrentUserOptional(), (req, res) => res.json({ signedIn: !!req.user }));
 */
export function getCurrentUserOptional(options?: ExpressAuthOptions): ExpressHandler {
  return handler(resolveAuth(options), optionalGuard);
}

/**
 * Requires a permission: 401 / 403 / 502. Throws now if `name` is outside `[A-Za-z0-9_-]+`.
 *
 * @example
 * app.get("/v1/audit", requirePermission("audit"), (req, res) => res.json({ ok: true }));
 */
export function requirePermission(name: string, options?: ExpressAuthOptions): ExpressHandler {
  assertPermissionName(name);
  const auth = resolveAuth(options);
  return handler(auth, permissionGuard(auth, name));
}
