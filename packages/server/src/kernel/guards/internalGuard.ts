import { PermissionDeniedError } from "../errors.js";
import type { Guard } from "../Guard.js";
import { requireUser } from "../RequestAuthState.js";
import { assertNames } from "./assertNames.js";

/**
 * Options of `requireInternal`: which clients may call, and which scopes mark a token as a
 * user's (delegated) token.
 *
 * @example
 * const options: InternalOptions = { allowedClients: ["billing-worker"] };
 */
export interface InternalOptions {
  /** `azp` / `client_id` values allowed to call (required, non-empty). */
  allowedClients: readonly string[];
  /** A token carrying any of these scopes is a user token and refused (default `["openid"]`). */
  userScopes?: readonly string[];
}

/** Claims only a token minted for a signed-in user's session carries. */
const SESSION_MARKERS = ["sid", "session_state", "nonce", "auth_time"] as const;

/**
 * The client behind an app-only (client credentials) token, or undefined for a user token.
 * A token with any user-session marker (`sid`, `session_state`, `nonce`, `auth_time`) is a user
 * token. Otherwise one positive client-credentials signal is required: Auth0
 * `gty=client-credentials`; Azure `idtyp=app`, or `roles` without `scp` in a token with `tid`;
 * Keycloak `preferred_username` starting with `service-account-`; Okta `sub == cid` without
 * `uid`; generic OIDC `sub` equal to `client_id` / `azp`.
 *
 * @example
 * appOnlyClientId({ sub: "svc", client_id: "svc" }); // "svc"
 * appOnlyClientId({ sub: "svc", client_id: "svc", sid: "s-1" }); // undefined (a user session)
 */
export function appOnlyClientId(claims: Readonly<Record<string, unknown>>): string | undefined {
  const has = (name: string) => Object.hasOwn(claims, name);
  const text = (name: string) => {
    const value = has(name) ? claims[name] : undefined;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  // Claims a user can influence (usernames, subject ids) never suffice on their own: a session
  // marker always means a user, and each IdP's signal below is set by the IdP itself.
  if (SESSION_MARKERS.some(has)) return undefined;
  const clientId = text("azp") ?? text("client_id") ?? text("appid") ?? text("cid");
  if (clientId === undefined) return undefined;
  const sub = text("sub");
  const appOnly =
    text("gty") === "client-credentials" ||
    text("idtyp") === "app" ||
    (has("tid") && has("roles") && !has("scp")) ||
    text("preferred_username")?.startsWith("service-account-") === true ||
    (text("cid") === clientId && sub === clientId && !has("uid")) ||
    (sub === clientId && (text("client_id") === clientId || text("azp") === clientId));
  return appOnly ? clientId : undefined;
}

/**
 * Internal-endpoint guard: only app-only tokens from allow-listed clients; user tokens → 403.
 * Needs token claims (local JWT mode or a custom adapter): proxy-mode users are always refused.
 */
export function internalGuard(options: InternalOptions): Guard {
  const allowed = new Set(assertNames(options?.allowedClients ?? [], "allowed client"));
  const userScopes = options.userScopes ?? ["openid"];
  return (state) => {
    const user = requireUser(state);
    const clientId = appOnlyClientId(user.claims ?? {});
    if (clientId === undefined || user.scopes.some((scope) => userScopes.includes(scope))) {
      throw new PermissionDeniedError(
        "internal",
        "This endpoint accepts app-only (client credentials) tokens; user tokens are refused.",
      );
    }
    if (!allowed.has(clientId)) {
      throw new PermissionDeniedError(
        "internal",
        "This client may not call internal endpoints: add its client id to allowedClients.",
      );
    }
    return user;
  };
}
