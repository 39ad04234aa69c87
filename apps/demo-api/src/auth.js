// The only file that touches @org/auth-server: everything the demo needs from the SDK, in one place.
import { createAuth, rejectUpgrade } from "@org/auth-server";
import {
  authMiddleware,
  getCurrentUser,
  getCurrentUserOptional,
  requirePermission,
} from "@org/auth-server/express";

/**
 * Create the auth binding used by the demo routes; settings come from the environment.
 * @example
 * const auth = createAuthBinding();
 * app.use(auth.middleware);
 */
export function createAuthBinding() {
  const auth = createAuth();
  return {
    middleware: authMiddleware(auth),
    requireUser: getCurrentUser(auth),
    optionalUser: getCurrentUserOptional(auth),
    /** @param {string} name */
    requirePermission: (name) => requirePermission(name, auth),
    /** @param {import("express").Request} req */
    userOf: (req) => /** @type {{ user?: { id?: string, email?: string } | null }} */ (req).user,
    /** @param {import("node:http").IncomingMessage} req */
    authenticateUpgrade: (req) => auth.authenticateUpgrade(req),
    /**
     * @param {import("node:stream").Duplex} socket
     * @param {unknown} error
     */
    rejectUpgrade: (socket, error) => rejectUpgrade(socket, error),
    /** @type {import("express").ErrorRequestHandler} */
    errorHandler: (error, _req, res, next) => {
      if (res.headersSent) return next(error);
      console.error("demo-api: unexpected error", error instanceof Error ? error.name : "");
      res.status(500).json({ error: "internal", message: "Unexpected error in the demo API." });
    },
    close: () => auth.close?.() ?? Promise.resolve(),
  };
}
