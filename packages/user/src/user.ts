/**
 * The workspace the user is scoped to (proxy mode). Unknown upstream fields are kept.
 *
 * @example
 * const workspace: UserWorkspace | undefined = user.workspace;
 * if (workspace?.id !== params.workspaceId) throw new PermissionDeniedError("workspace");
 */
export interface UserWorkspace {
  id?: string;
  name?: string;
  [field: string]: unknown;
}

/**
 * A role assignment in the scoped workspace.
 *
 * @example
 * const isOwner = user.workspaceRoles.some((role: WorkspaceRole) => role.name === "owner");
 */
export interface WorkspaceRole {
  name?: string;
  [field: string]: unknown;
}

/**
 * A permission assignment in the scoped workspace.
 *
 * @example
 * const names = user.workspacePermissions.map((p: WorkspacePermission) => p.name);
 */
export interface WorkspacePermission {
  name?: string;
  [field: string]: unknown;
}

/**
 * The authenticated principal, the same shape whichever mode validated the token.
 *
 * Profile fields are optional ("present when upstream provides them"). `roles`, `permissions` and
 * `scopes` are flat name lists used by the guards; `workspaceRoles` / `workspacePermissions` keep
 * the proxy's objects. Unknown proxy fields land in `extra`; raw JWT claims in `claims`.
 *
 * @example
 * app.get("/v1/me", requireUser(), (req, res) => res.json({ email: req.user?.email }));
 */
export interface User {
  id?: string;
  userName?: string;
  email?: string;
  name?: string;
  accountType?: string;
  enabled?: boolean;
  firstName?: string;
  lastName?: string;
  workspace?: UserWorkspace;
  workspaceRoles: WorkspaceRole[];
  workspacePermissions: WorkspacePermission[];
  roles: string[];
  permissions: string[];
  scopes: string[];
  isAuthenticated: boolean;
  isAnonymous: boolean;
  /** Which validator produced this user: "proxy", "jwt", "keycloak", "none", a custom name… */
  provider: string;
  /** Raw JWT claims (local JWT mode and custom adapters). */
  claims?: Readonly<Record<string, unknown>>;
  /** Upstream fields the SDK does not know yet (forward compatibility). */
  extra: Record<string, unknown>;
}

/**
 * The user as the auth API's `get-me` answers it: snake_case fields, all optional, unknown ones
 * allowed. {@link userFromWire} turns it into a {@link User}.
 *
 * @example
 * const wire: WireUser = await (await fetch(`${authApi}/_oxa_auth/get-me`, init)).json();
 * const user = userFromWire(wire);
 */
export interface WireUser {
  id?: string;
  user_name?: string;
  email?: string;
  account_type?: string;
  enabled?: boolean;
  first_name?: string;
  last_name?: string;
  workspace?: { id?: string; name?: string; [key: string]: unknown };
  workspace_roles?: Array<{ name: string; [key: string]: unknown } | string>;
  workspace_permissions?: Array<{ name: string; [key: string]: unknown } | string>;
  is_authenticated?: boolean;
  [key: string]: unknown;
}
