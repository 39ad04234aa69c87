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

type Json = Record<string, unknown>;

/** Wire fields that map to a string field of the same name in camelCase. */
const STRINGS = ["id", "user_name", "email", "account_type", "first_name", "last_name", "name"];
/** The other wire fields the mapping knows; everything else lands in `extra`. */
const KNOWN = [
  "enabled",
  "workspace",
  "workspace_roles",
  "workspace_permissions",
  "is_authenticated",
];

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Copies own fields without ever touching a prototype (`__proto__` stays a plain key). */
function copy(source: Json, keys = Object.keys(source)): Json {
  const target: Json = {};
  for (const key of keys) {
    Object.defineProperty(target, key, {
      value: source[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

/** Role / permission entries: objects with a `name`, or plain strings; anything else dropped. */
const entries = (value: unknown): Json[] =>
  Array.isArray(value)
    ? value.flatMap((item) =>
        typeof item === "string" ? [{ name: item }] : isObject(item) ? [copy(item)] : [],
      )
    : [];

const names = (list: Json[]): string[] =>
  list.flatMap((entry) => (typeof entry.name === "string" ? [entry.name] : []));

/** A known string field that holds something else is kept, untouched, in `extra`. */
const isExtra = (body: Json, key: string): boolean =>
  STRINGS.includes(key) ? body[key] != null && typeof body[key] !== "string" : !KNOWN.includes(key);

/**
 * Maps the auth API's `get-me` body (snake_case) to a {@link User}. Permissive: every field
 * optional; wrong-typed known fields and unknown fields kept in `extra`.
 *
 * @example
 * const user = userFromWire({ id: "u1", first_name: "Ada", workspace_roles: ["admin"] });
 * user.firstName; // "Ada"
 * user.roles; // ["admin"]
 */
export function userFromWire(body: Json): User {
  const workspaceRoles = entries(body.workspace_roles);
  const workspacePermissions = entries(body.workspace_permissions);
  const user: User & Json = {
    workspaceRoles,
    workspacePermissions,
    roles: names(workspaceRoles),
    permissions: names(workspacePermissions),
    scopes: [],
    isAuthenticated: body.is_authenticated !== false,
    isAnonymous: body.is_authenticated === false,
    provider: "proxy",
    extra: copy(
      body,
      Object.keys(body).filter((key) => isExtra(body, key)),
    ),
  };
  for (const key of STRINGS) {
    if (typeof body[key] === "string")
      user[key.replace(/_(.)/g, (_, c: string) => c.toUpperCase())] = body[key];
  }
  if (typeof body.enabled === "boolean") user.enabled = body.enabled;
  if (isObject(body.workspace)) user.workspace = copy(body.workspace);
  return user;
}
