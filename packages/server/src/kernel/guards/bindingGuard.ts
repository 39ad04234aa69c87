import { parseClaimPath, readClaim } from "../claimPath.js";
import { ConfigurationError, InvalidRequestError, PermissionDeniedError } from "../errors.js";
import type { Guard, RouteParams } from "../Guard.js";
import { type RequestAuthState, requireUser } from "../RequestAuthState.js";
import type { User } from "../user.js";

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
