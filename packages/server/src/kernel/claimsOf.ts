import type { User } from "./user.js";

/** The get-me fields the User keeps under other names, as the auth proxy's answer names them. */
const WIRE_NAMES: ReadonlyArray<readonly [keyof User, string]> = [
  ["id", "id"],
  ["userName", "user_name"],
  ["email", "email"],
  ["name", "name"],
  ["accountType", "account_type"],
  ["enabled", "enabled"],
  ["firstName", "first_name"],
  ["lastName", "last_name"],
  ["workspace", "workspace"],
  ["workspaceRoles", "workspace_roles"],
  ["workspacePermissions", "workspace_permissions"],
  ["isAuthenticated", "is_authenticated"],
];

/** Built once per user object: cached users are shared by every request that hits them. */
const VIEWS = new WeakMap<User, Readonly<Record<string, unknown>>>();

/**
 * The claims guards check: the token's verified claims (local JWT mode, custom adapters), else
 * (proxy mode) the get-me answer, by its own field names (`account_type`, `workspace.id`, unknown
 * fields as sent).
 *
 * @example
 * readClaim(claimsOf(user), ["workspace", "id"]);
 */
export function claimsOf(user: User): Readonly<Record<string, unknown>> {
  if (user.claims !== undefined) return user.claims;
  let view = VIEWS.get(user);
  if (view === undefined) {
    view = Object.freeze(wireView(user));
    VIEWS.set(user, view);
  }
  return view;
}

function wireView(user: User): Record<string, unknown> {
  // Spread defines own properties, so an upstream `__proto__` field stays a plain key.
  const view: Record<string, unknown> = { ...user.extra };
  for (const [field, wire] of WIRE_NAMES) {
    if (user[field] !== null) view[wire] = user[field];
  }
  return view;
}
