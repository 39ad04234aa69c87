import type { User, UserWorkspace, WorkspacePermission, WorkspaceRole } from "../../kernel/user.js";

type Json = Record<string, unknown>;

const STRING_FIELDS = {
  id: "id",
  user_name: "userName",
  email: "email",
  account_type: "accountType",
  first_name: "firstName",
  last_name: "lastName",
  name: "name",
} as const satisfies Record<string, keyof User>;

const KNOWN = new Set([
  ...Object.keys(STRING_FIELDS),
  "enabled",
  "workspace",
  "workspace_roles",
  "workspace_permissions",
  "is_authenticated",
]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies own fields without ever touching a prototype (`__proto__` stays a plain key). */
function copyFields(source: Json): Json {
  const target: Json = {};
  for (const key of Object.keys(source)) {
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
function namedEntries(value: unknown): Array<{ name?: string; [field: string]: unknown }> {
  if (!Array.isArray(value)) return [];
  const entries: Array<{ name?: string; [field: string]: unknown }> = [];
  for (const item of value) {
    if (typeof item === "string") entries.push({ name: item });
    else if (isObject(item)) entries.push(copyFields(item));
  }
  return entries;
}

function names(entries: Array<{ name?: unknown }>): string[] {
  const result: string[] = [];
  for (const entry of entries) if (typeof entry.name === "string") result.push(entry.name);
  return result;
}

/**
 * Maps the proxy's `get-me` body (snake_case) to a {@link User}. Permissive like the Python
 * model: every field optional, wrong-typed known fields and unknown fields kept in `extra`.
 */
export function userFromProxy(body: Json): User {
  const user: User = {
    workspaceRoles: [],
    workspacePermissions: [],
    roles: [],
    permissions: [],
    scopes: [],
    isAuthenticated: body.is_authenticated !== false,
    isAnonymous: body.is_authenticated === false,
    provider: "proxy",
    extra: {},
  };
  const extra: Json = {};
  const keepExtra = (key: string) =>
    Object.defineProperty(extra, key, {
      value: body[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  for (const [wire, field] of Object.entries(STRING_FIELDS)) {
    const value = body[wire];
    if (typeof value === "string") user[field] = value;
    else if (value !== undefined && value !== null) keepExtra(wire);
  }
  if (typeof body.enabled === "boolean") user.enabled = body.enabled;
  if (isObject(body.workspace)) user.workspace = copyFields(body.workspace) as UserWorkspace;
  user.workspaceRoles = namedEntries(body.workspace_roles) as WorkspaceRole[];
  user.workspacePermissions = namedEntries(body.workspace_permissions) as WorkspacePermission[];
  user.roles = names(user.workspaceRoles);
  user.permissions = names(user.workspacePermissions);
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) keepExtra(key);
  user.extra = extra;
  return user;
}
