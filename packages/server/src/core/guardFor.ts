import type { Auth } from "./Auth.js";
import { resolveAuth } from "./defaultAuth.js";
import {
  type BindingSpec,
  bindingGuard,
  type InternalOptions,
  internalGuard,
  roleGuard,
  scopeGuard,
} from "./guards.js";
import { assertPermissionName } from "./permissionName.js";
import {
  attachGuard,
  type Guard,
  optionalGuard,
  permissionGuard,
  requiredGuard,
} from "./runGuard.js";

/** What a binding runs per request: a guard and the Auth instance whose state it checks. */
export interface BoundGuard {
  readonly auth: Auth;
  readonly guard: Guard;
  /** Whether the guard reads the route parameters; bindings skip reading them otherwise (on
   * Express 5 every request-property read costs ~0.3 µs, and Hono builds a new object). */
  readonly usesParams: boolean;
}

/** Options every binding helper accepts: an explicit instance, else the process-wide default. */
export interface GuardOptions {
  auth?: Auth;
}

/**
 * The framework-free guard table behind every binding: one entry per public helper, named after
 * it. Names are validated and the Auth resolved here, when the route is declared (so
 * configuration errors surface at start-up); bindings only translate request and response.
 */
export const guardFor = {
  authMiddleware: (options?: GuardOptions): BoundGuard => bound(options, () => attachGuard),
  getCurrentUser: (options?: GuardOptions): BoundGuard => bound(options, () => requiredGuard),
  getCurrentUserOptional: (options?: GuardOptions): BoundGuard =>
    bound(options, () => optionalGuard),
  requirePermission: (name: string, options?: GuardOptions): BoundGuard => {
    assertPermissionName(name);
    return bound(options, (auth) => permissionGuard(auth, name));
  },
  requireRole: (role: string, options?: GuardOptions): BoundGuard =>
    bound(options, () => roleGuard([role], "all")),
  requireAnyRole: (roles: readonly string[], options?: GuardOptions): BoundGuard =>
    bound(options, () => roleGuard(roles, "any")),
  requireScope: (scopes: string | readonly string[], options?: GuardOptions): BoundGuard =>
    bound(options, () => scopeGuard(typeof scopes === "string" ? [scopes] : scopes)),
  requireInternal: (options: InternalOptions & GuardOptions): BoundGuard =>
    bound(options, () => internalGuard(options)),
  requireBinding: (spec: BindingSpec, options?: GuardOptions): BoundGuard =>
    bound(options, () => bindingGuard(spec), true),
};

function bound(
  options: GuardOptions | undefined,
  make: (auth: Auth) => Guard,
  usesParams = false,
): BoundGuard {
  const auth = resolveAuth(options);
  return { auth, guard: make(auth), usesParams };
}
