import { resolveAuth } from "../config/defaultAuth.js";
import type { Auth } from "../kernel/Auth.js";
import {
  type BindingSpec,
  bindingGuard,
  type InternalOptions,
  internalGuard,
  roleGuard,
  scopeGuard,
} from "../kernel/guards.js";
import { assertPermissionName } from "../kernel/permissionName.js";
import {
  attachGuard,
  type BoundGuard,
  type Guard,
  type GuardOptions,
  optionalGuard,
  permissionGuard,
  requiredGuard,
} from "../kernel/runGuard.js";

export type { BoundGuard, GuardOptions };

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
