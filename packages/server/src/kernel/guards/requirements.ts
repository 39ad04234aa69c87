import { type Guard, optionalGuard, permissionGuard, requiredGuard } from "../Guard.js";
import { assertPermissionName, type PermissionName } from "../permissionName.js";
import type { AuthCore } from "../RequestAuthState.js";
import { type BindingSpec, bindingGuard } from "./bindingGuard.js";
import { type ClaimCheck, claimCheckGuard } from "./claimCheckGuard.js";
import { claimEqualsGuard } from "./claimEqualsGuard.js";
import { claimIncludesGuard } from "./claimIncludesGuard.js";
import type { ClaimValue } from "./claimName.js";
import { type InternalOptions, internalGuard } from "./internalGuard.js";
import { roleGuard } from "./roleGuard.js";
import { scopeGuard } from "./scopeGuard.js";
import { checkMaxTokenAge, tokenAgeGuard } from "./tokenAgeGuard.js";

/**
 * What a route (or a WebSocket upgrade) requires of the request's auth state, declared once:
 * its arguments are checked when it is made, and every binding turns it into its framework's
 * handler. Made by the functions of {@link requirements}.
 *
 * @example
 * const admins: Requirement = requirements.role("admin");
 * await authenticateUpgrade(req, { require: [admins] });
 */
export interface Requirement {
  /** @internal The guard for one instance (made when the route is declared). */
  readonly guard: (auth: AuthCore) => Guard;
  /** @internal Whether the guard reads the route's path parameters. */
  readonly usesParams: boolean;
}

const requirement = (guard: (auth: AuthCore) => Guard, usesParams = false): Requirement =>
  Object.freeze({ guard, usesParams });

/** A requirement whose guard needs no instance: made (and its arguments checked) at once. */
const fixed = (guard: Guard, usesParams = false): Requirement =>
  requirement(() => guard, usesParams);

/**
 * Every guard the SDK offers, framework-free: one line each. The bindings' helpers
 * (`requireRole("admin")`…) are these, and WebSocket upgrades take them as `require`.
 *
 * @example
 * const { user } = await authenticateUpgrade(req, { require: [requirements.scope("chat:write")] });
 */
export const requirements = Object.freeze({
  /** An authenticated user: 401 (missing/invalid token), 502 (auth service down). */
  user: () => fixed(requiredGuard),
  /** The user, or null for a missing/invalid token; still 502 when the service is down. */
  optionalUser: () => fixed(optionalGuard),
  /** A permission (checked by the validator: proxy endpoint, or the token's claims). */
  permission: <N extends string>(name: PermissionName<N>) => {
    assertPermissionName(name);
    return requirement((auth) => permissionGuard(auth, name));
  },
  /** A role (Keycloak realm/client roles, `roles`, `groups`…). */
  role: (role: string) => fixed(roleGuard([role], "all")),
  /** At least one of the roles. */
  anyRole: (roles: readonly string[]) => fixed(roleGuard(roles, "any")),
  /** Every listed OAuth scope (`scope` / `scp`). */
  scope: (scopes: string | readonly string[]) =>
    fixed(scopeGuard(typeof scopes === "string" ? [scopes] : scopes)),
  /** App-only (client credentials) tokens from allow-listed clients only. */
  internal: (options: InternalOptions) => fixed(internalGuard(options)),
  /** The request's app / workspace / user id bound to the token (route parameter, or header). */
  binding: (spec: BindingSpec) => fixed(bindingGuard(spec), true),
  /** A claim (name or dotted path) equal to `value`: 403 insufficient_claims otherwise. */
  claimEquals: (name: string, value: ClaimValue) => fixed(claimEqualsGuard(name, value)),
  /** A claim (array or space-separated string) holding every value. */
  claimIncludes: (name: string, ...values: ClaimValue[]) => fixed(claimIncludesGuard(name, values)),
  /** A rule over the claims returning true; `description` is what a refused client reads. */
  claimCheck: (check: ClaimCheck, description: string) =>
    fixed(claimCheckGuard(check, description)),
  /** A token at most `seconds` old since sign-in (`auth_time`, else `iat`): 401 otherwise. */
  maxTokenAge: (seconds: number) => {
    checkMaxTokenAge(seconds ?? Number.NaN, "maxTokenAge");
    return requirement((auth) => tokenAgeGuard(seconds, auth.clockToleranceSeconds));
  },
});
