import type { User } from "./index.js";

/** One get-me body and the {@link User} every SDK must map it to. */
export interface UserFixture {
  name: string;
  wire: Record<string, unknown>;
  user: User;
}

const DEFAULTS = {
  id: null,
  userName: null,
  email: null,
  name: null,
  accountType: null,
  enabled: null,
  firstName: null,
  lastName: null,
  workspace: null,
  workspaceRoles: [],
  workspacePermissions: [],
  roles: [],
  permissions: [],
  scopes: [],
  isAuthenticated: true,
  isAnonymous: false,
  provider: "proxy",
  extra: {},
} satisfies User;

/**
 * The shared test fixtures of the user mapping: the server and the React SDK run the same cases.
 *
 * @example
 * for (const { name, wire, user } of USER_FIXTURES) it(name, () => expect(userFromWire(wire)).toEqual(user));
 */
export const USER_FIXTURES: readonly UserFixture[] = [
  {
    name: "the contract's example body",
    wire: {
      id: "mock-user-id",
      user_name: "mock-user",
      email: "mock.user@example.com",
      account_type: "internal",
      enabled: true,
      first_name: "Mock",
      last_name: "User",
      workspace: { id: "mock-workspace-id", name: "Mock Workspace" },
      workspace_roles: [{ name: "member" }],
      workspace_permissions: [{ name: "read" }],
      is_authenticated: true,
    },
    user: {
      ...DEFAULTS,
      id: "mock-user-id",
      userName: "mock-user",
      email: "mock.user@example.com",
      accountType: "internal",
      enabled: true,
      firstName: "Mock",
      lastName: "User",
      workspace: { id: "mock-workspace-id", name: "Mock Workspace" },
      workspaceRoles: [{ name: "member" }],
      workspacePermissions: [{ name: "read" }],
      roles: ["member"],
      permissions: ["read"],
    },
  },
  {
    name: "an empty body: every field null or empty, authenticated",
    wire: {},
    user: DEFAULTS,
  },
  {
    name: "unknown and wrong-typed fields are kept in extra; plain-string entries accepted",
    wire: {
      email: 42,
      name: null,
      enabled: "yes",
      workspace: "w1",
      new_field: { a: 1 },
      workspace_roles: "admin",
      workspace_permissions: ["audit", { name: "read", scope: "all" }, 7, { scope: "none" }],
    },
    user: {
      ...DEFAULTS,
      workspacePermissions: [{ name: "audit" }, { name: "read", scope: "all" }, { scope: "none" }],
      permissions: ["audit", "read"],
      extra: { email: 42, new_field: { a: 1 } },
    },
  },
  {
    name: "is_authenticated: false is an anonymous user",
    wire: { id: "u2", is_authenticated: false },
    user: { ...DEFAULTS, id: "u2", isAuthenticated: false, isAnonymous: true },
  },
];
