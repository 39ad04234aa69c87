import { parseClaimPath, readClaim } from "./claimPath.js";
import { ConfigurationError, InvalidRequestError, PermissionDeniedError } from "./errors.js";
import type { Guard, RouteParams } from "./Guard.js";
import { type RequestAuthState, requireUser } from "./RequestAuthState.js";
import type { User } from "./user.js";

// RFC 6750 scope-token characters: safe inside the quoted `scope="…"` of WWW-Authenticate.
const NAME = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/** Validates role / scope / client names when the route is declared, not per request. */
function assertNames(names: readonly string[], what: string): string[] {
  const list = [...names];
  if (list.length === 0) throw new ConfigurationError(`Give at least one ${what}.`);
  for (const name of list) {
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new ConfigurationError(
        `Invalid ${what} ${JSON.stringify(String(name).slice(0, 64))}: 1-128 visible characters, no spaces, quotes or backslashes.`,
      );
    }
  }
  return list;
}

/**
 * Role guard: `all` requires every role, `any` at least one. 401 without a user, 403 without
 * the role(s).
 */
export function roleGuard(roles: readonly string[], mode: "all" | "any"): Guard {
  const wanted = assertNames(roles, "role");
  return (state) => {
    const user = requireUser(state);
    const has = (role: string) => user.roles.includes(role);
    const ok = mode === "all" ? wanted.every(has) : wanted.some(has);
    if (ok) return user;
    const missing = mode === "all" ? wanted.filter((role) => !has(role)) : wanted;
    throw new PermissionDeniedError(
      missing[0] as string,
      `Missing role ${mode === "all" ? "" : "(any of) "}${missing.join(", ")}: assign it to the user in the identity provider.`,
    );
  };
}

/** Scope guard: every listed scope must be granted to the token (`scope` / `scp`). */
export function scopeGuard(scopes: readonly string[]): Guard {
  const wanted = assertNames(scopes, "scope");
  return (state) => {
    const user = requireUser(state);
    const missing = wanted.filter((scope) => !user.scopes.includes(scope));
    if (missing.length === 0) return user;
    throw new PermissionDeniedError(
      missing.join(" "),
      `Missing scope ${missing.join(", ")}: request it when obtaining the access token.`,
    );
  };
}

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

/**
 * Where one bound value comes from in the request and in the token (claim path). The route
 * parameter is the default source; a header is read only when named here (explicit opt-in).
 * With a `param` source, a route that does not declare that parameter (e.g. the guard mounted
 * with `app.use`) fails closed with a 500 ConfigurationError: the header is never a fallback.
 *
 * @example
 * const fromPath: BindingSource = { param: "tenant", claim: "org.id" };
 * const fromHeaderOnly: BindingSource = { param: false, header: "x-tenant-id", claim: "org.id" };
 */
export interface BindingSource {
  /** Route parameter name (default `appId` / `workspaceId` / `userId`); `false` switches it off. */
  param?: string | false;
  /** Header to read as well (lower-case); off unless given. With a param, both must match. */
  header?: string | false;
  /** Claim path holding the bound value(s) (default `app_id` / `workspace_id` / the user id). */
  claim?: string;
  /** Let requests that carry no value through (default: 400). Never skips a missing route param. */
  optional?: boolean;
}

/**
 * What `requireBinding` checks; `true` uses the defaults: appId ← route param `:appId` vs claim
 * `app_id`; workspace ← `:workspaceId` vs `workspace_id` (or the proxy user's workspace);
 * userId ← `:userId` vs the user's id. Headers (`x-app-id`…) only when opted in with a
 * {@link BindingSource}. Mount the guard on the route that declares the parameter, not `app.use`.
 *
 * @example
 * app.get("/apps/:appId/data", requireBinding({ appId: true }), handler);
 * // Header only, for routes without the id in the path:
 * app.post("/data", requireBinding({ appId: { param: false, header: "x-app-id" } }), handler);
 */
export interface BindingSpec {
  appId?: boolean | BindingSource;
  workspace?: boolean | BindingSource;
  userId?: boolean | BindingSource;
}

type Dimension = keyof BindingSpec;

interface ResolvedSource {
  dimension: Dimension;
  label: string;
  param: string | undefined;
  header: string | undefined;
  claim: readonly string[] | undefined;
  optional: boolean;
}

const DEFAULT_SOURCES: Record<
  Dimension,
  Omit<ResolvedSource, "claim" | "optional" | "header"> & { claim?: string }
> = {
  appId: {
    dimension: "appId",
    label: "app id",
    param: "appId",
    claim: "app_id",
  },
  workspace: {
    dimension: "workspace",
    label: "workspace id",
    param: "workspaceId",
    claim: "workspace_id",
  },
  userId: { dimension: "userId", label: "user id", param: "userId" },
};

/**
 * Binding guard: checks that the request's app / workspace / user id (route parameter, and a
 * header when opted in) is one the token is bound to. Missing value → 400; token not bound or
 * bound elsewhere → 403; route without the configured parameter → 500 ConfigurationError.
 */
export function bindingGuard(spec: BindingSpec): Guard {
  const sources = resolveSources(spec);
  return (state, params) => {
    const user = requireUser(state);
    for (const source of sources) checkSource(source, user, state, params);
    return user;
  };
}

function resolveSources(spec: BindingSpec): ResolvedSource[] {
  const sources: ResolvedSource[] = [];
  for (const dimension of ["appId", "workspace", "userId"] as const) {
    const option = spec?.[dimension];
    if (option === undefined || option === false) continue;
    const custom: BindingSource = option === true ? {} : option;
    const base = DEFAULT_SOURCES[dimension];
    // Headers are client-chosen: read one only when the route asks for it by name.
    const header = custom.header || undefined;
    if (header !== undefined && !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) {
      throw new ConfigurationError(
        `requireBinding: header name "${header}" must be lower-case token characters.`,
      );
    }
    const claim = custom.claim ?? base.claim;
    sources.push({
      dimension,
      label: base.label,
      param: custom.param === undefined ? base.param : custom.param || undefined,
      header,
      claim:
        claim === undefined
          ? undefined
          : parseClaimPath(claim, `requireBinding.${dimension}.claim`),
      optional: custom.optional === true,
    });
  }
  if (sources.length === 0) {
    throw new ConfigurationError(
      "requireBinding: enable at least one of appId, workspace, userId.",
    );
  }
  return sources;
}

function checkSource(
  source: ResolvedSource,
  user: User,
  state: RequestAuthState,
  params: RouteParams,
) {
  const values: string[] = [];
  if (source.param !== undefined) {
    // The handler reads the route parameter: without one there is nothing to bind, and a
    // header must never stand in for it (app.use mounts see no params; the path wins).
    if (!hasParam(params, source.param)) throw missingParam(source.param);
    const fromParam = readParam(params, source.param);
    if (fromParam !== undefined && fromParam !== "") values.push(fromParam);
  }
  const fromHeader = source.header === undefined ? undefined : state.ctx?.header(source.header);
  if (fromHeader !== undefined && fromHeader !== "") values.push(fromHeader);
  if (values.length === 0) {
    if (source.optional) return;
    throw new InvalidRequestError(
      `Send the ${source.label}${source.param ? ` in the path (:${source.param})` : ""}${source.param && source.header ? " or" : ""}${source.header ? ` in the ${source.header} header` : ""}.`,
    );
  }
  const bound = boundValues(source, user);
  if (bound.length === 0) {
    throw new PermissionDeniedError(
      source.dimension,
      `The access token is not bound to any ${source.label}; it cannot be used here.`,
    );
  }
  if (!values.every((value) => bound.includes(value))) {
    throw new PermissionDeniedError(
      source.dimension,
      `The ${source.label} in the request does not match the access token.`,
    );
  }
}

/** Whether the route declares the parameter (an own property, whatever its value). */
function hasParam(params: RouteParams, name: string): boolean {
  return params !== null && typeof params === "object" && Object.hasOwn(params, name);
}

function missingParam(name: string): ConfigurationError {
  return new ConfigurationError(
    `requireBinding: the route has no :${name} parameter. Mount requireBinding on the route that declares :${name} (not app.use / a global hook; node: pass { ${name} } as the second argument), or read a header explicitly with { param: false, header: "x-…" }.`,
  );
}

/** Own string properties only: a parameter named like `__proto__` or `toString` is just absent. */
function readParam(params: RouteParams, name: string): string | undefined {
  if (params === null || typeof params !== "object" || !Object.hasOwn(params, name)) {
    return undefined;
  }
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

function boundValues(source: ResolvedSource, user: User): string[] {
  const claimValue =
    source.claim === undefined ? undefined : readClaim(user.claims ?? {}, source.claim);
  const fromClaim = (
    typeof claimValue === "string" ? [claimValue] : Array.isArray(claimValue) ? claimValue : []
  ).filter((value): value is string => typeof value === "string" && value !== "");
  if (fromClaim.length > 0) return fromClaim;
  if (source.dimension === "userId" && user.id !== null) return [user.id];
  if (source.dimension === "workspace" && typeof user.workspace?.id === "string")
    return [user.workspace.id];
  return [];
}
