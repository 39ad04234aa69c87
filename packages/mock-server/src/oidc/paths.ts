/**
 * The OpenID provider's endpoints and the methods each answers. Kept apart from the handlers so
 * the router (and discovery) know them without loading the provider code.
 */
export const OIDC_PATHS = {
  authorize: "/oidc/authorize",
  /** Where the interactive login page posts the chosen persona. */
  authorizeDecision: "/oidc/authorize/decision",
  token: "/oidc/token",
  userinfo: "/oidc/userinfo",
  introspect: "/oidc/introspect",
  revoke: "/oidc/revoke",
  endSession: "/oidc/logout",
  /** Dynamic Client Registration (RFC 7591). */
  register: "/oidc/register",
} as const;

/** The test-only token minting endpoint (beside the run-time state endpoint). */
export const MINT_PATH = "/_oxa_auth/mock/token";

/** Path → methods, for routing and 405 answers. */
export const OIDC_METHODS: Record<string, readonly string[]> = {
  [OIDC_PATHS.authorize]: ["GET", "POST"],
  [OIDC_PATHS.authorizeDecision]: ["POST"],
  [OIDC_PATHS.token]: ["POST"],
  [OIDC_PATHS.userinfo]: ["GET", "POST"],
  [OIDC_PATHS.introspect]: ["POST"],
  [OIDC_PATHS.revoke]: ["POST"],
  [OIDC_PATHS.endSession]: ["GET", "POST"],
  [OIDC_PATHS.register]: ["POST"],
};
