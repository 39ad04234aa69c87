import { PermissionDeniedError } from "../errors.js";
import type { Guard } from "../Guard.js";
import { requireUser } from "../RequestAuthState.js";
import { assertNames } from "./assertNames.js";

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
