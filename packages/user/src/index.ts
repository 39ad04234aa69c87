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
 * The principal of a request, the same shape whichever mode validated the token: every field is
 * always present, `null` where the mode does not know it, and `id` is a string for every
 * authenticated user.
 *
 * `roles`, `permissions` and `scopes` are flat name lists (`permissions` holds permissions only,
 * never role names); `workspaceRoles` / `workspacePermissions` keep the proxy's objects. Unknown
 * proxy fields land in `extra`. The token's raw claims (local JWT mode, custom adapters) are in
 * `claims`, which is not enumerable: `res.json(user)`, `JSON.stringify`, a spread copy and
 * `structuredClone` leave it out, so a token's `sid` / `jti` never reach a browser by accident.
 *
 * @example
 * app.get("/v1/me", requireUser(), (req, res) => res.json(req.user)); // no raw claims sent
 */
export interface User {
  /** The user's id (get-me `id`, JWT `sub`): a string for every authenticated user. */
  id: string | null;
  userName: string | null;
  email: string | null;
  name: string | null;
  accountType: string | null;
  /** `true` / `false` when upstream says; `null` when it does not (JWT mode). */
  enabled: boolean | null;
  firstName: string | null;
  lastName: string | null;
  workspace: UserWorkspace | null;
  workspaceRoles: WorkspaceRole[];
  workspacePermissions: WorkspacePermission[];
  roles: string[];
  /** Permission names only (roles are in `roles`, scopes in `scopes`). */
  permissions: string[];
  scopes: string[];
  isAuthenticated: boolean;
  isAnonymous: boolean;
  /** Which validator produced this user: "proxy", "jwt", "keycloak", "none", a custom name… */
  provider: string;
  /**
   * Raw JWT claims (local JWT mode and custom adapters), for server code only: not enumerable,
   * so never serialised.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Upstream fields the SDK does not know yet (forward compatibility). */
  extra: Record<string, unknown>;
}

/** What {@link makeUser} needs: the provider, and any field it knows. */
export type UserFields = Partial<Omit<User, "claims" | "provider">> & { provider: string };

/**
 * Every key a serialised {@link User} has, in order: the one shape of every mode.
 *
 * @example
 * expect(Object.keys(JSON.parse(body))).toEqual([...USER_KEYS]);
 */
export const USER_KEYS = [
  "id",
  "userName",
  "email",
  "name",
  "accountType",
  "enabled",
  "firstName",
  "lastName",
  "workspace",
  "workspaceRoles",
  "workspacePermissions",
  "roles",
  "permissions",
  "scopes",
  "isAuthenticated",
  "isAnonymous",
  "provider",
  "extra",
] as const satisfies ReadonlyArray<Exclude<keyof User, "claims">>;

/**
 * A whole {@link User} from the fields a mode knows: every other field `null` or empty, an
 * authenticated user unless `isAuthenticated: false` says otherwise. Every mode builds its user
 * here, so the shape cannot drift between them.
 *
 * @example
 * const user = makeUser({ provider: "jwt", id: "u1", roles: ["admin"] });
 * user.email; // null
 */
export function makeUser(fields: UserFields): User {
  const isAuthenticated = fields.isAuthenticated ?? true;
  // New lists and objects for every user; a field without a default here is null.
  const defaults: Partial<Record<keyof User, unknown>> = {
    workspaceRoles: [],
    workspacePermissions: [],
    roles: [],
    permissions: [],
    scopes: [],
    isAuthenticated,
    isAnonymous: !isAuthenticated,
    extra: {},
  };
  const given: Partial<Record<keyof User, unknown>> = fields;
  const user: Record<string, unknown> = {};
  for (const key of USER_KEYS) user[key] = given[key] ?? defaults[key] ?? null;
  return user as unknown as User;
}

/**
 * Attaches a token's raw claims to `user` as a frozen, read-only, non-enumerable `claims`
 * property: guards and server code read `user.claims`, while `JSON.stringify`, `res.json`,
 * Fastify's serializer, spreads and `structuredClone` never see it. Returns `user`.
 *
 * @example
 * const user = withClaims(makeUser({ provider: "jwt", id: payload.sub }), payload);
 * user.claims?.sid; // readable on the server
 * JSON.stringify(user).includes("sid"); // false
 */
export function withClaims<T extends User>(user: T, claims: Readonly<Record<string, unknown>>): T {
  Object.defineProperty(user, "claims", {
    value: Object.isFrozen(claims) ? claims : Object.freeze({ ...claims }),
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return user;
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
 * optional (absent ones are `null`); wrong-typed known fields and unknown fields kept in `extra`.
 *
 * @example
 * const user = userFromWire({ id: "u1", first_name: "Ada", workspace_roles: ["admin"] });
 * user.firstName; // "Ada"
 * user.roles; // ["admin"]
 */
export function userFromWire(body: Json): User {
  const workspaceRoles = entries(body.workspace_roles);
  const workspacePermissions = entries(body.workspace_permissions);
  const fields: UserFields & Json = {
    workspaceRoles,
    workspacePermissions,
    roles: names(workspaceRoles),
    permissions: names(workspacePermissions),
    isAuthenticated: body.is_authenticated !== false,
    provider: "proxy",
    extra: copy(
      body,
      Object.keys(body).filter((key) => isExtra(body, key)),
    ),
  };
  for (const key of STRINGS) {
    if (typeof body[key] === "string")
      fields[key.replace(/_(.)/g, (_, c: string) => c.toUpperCase())] = body[key];
  }
  if (typeof body.enabled === "boolean") fields.enabled = body.enabled;
  if (isObject(body.workspace)) fields.workspace = copy(body.workspace);
  return makeUser(fields);
}
