// The only file that touches @org/auth-server: everything the demo needs from the SDK, in one place.
import { authenticateUpgrade, createAuth, rejectUpgrade, selectWsProtocol } from "@org/auth-server";
import {
  authMiddleware,
  getCurrentUser,
  getCurrentUserOptional,
  requireAuthLevel,
  requirePermission,
} from "@org/auth-server/express";

/**
 * Create the auth binding used by the demo routes. Settings come from `env` (proxy mode with
 * `OXAIGEN_AUTH_DEV_MODE=1`, local JWT validation with `AUTH_PROVIDER=jwt` + `AUTH_ISSUER` …).
 * @param {NodeJS.ProcessEnv} env
 * @example
 * const auth = createAuthBinding(process.env);
 * app.use(auth.middleware);
 */
export function createAuthBinding(env) {
  const auth = createAuth({ env });
  return {
    middleware: authMiddleware({ auth }),
    requireUser: getCurrentUser({ auth }),
    optionalUser: getCurrentUserOptional({ auth }),
    /** @param {string} name */
    requirePermission: (name) => requirePermission(name, { auth }),
    /** @param {{ acr?: string[], maxAge?: number }} level */
    requireAuthLevel: (level) => requireAuthLevel(level, { auth }),
    /** @param {import("node:http").IncomingMessage} req */
    authenticateUpgrade: (req) => authenticateUpgrade(req, { auth }),
    rejectUpgrade,
    /** For `ws`: answer `oxa-auth`, never the entry that carries the token. */
    selectWsProtocol,
    /** Settles once the shared (Redis) cache is attached, at once without one. */
    ready: () => auth.ready(),
    close: () => auth.close(),
  };
}
