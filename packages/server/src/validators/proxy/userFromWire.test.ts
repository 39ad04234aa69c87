import { userFromWire as userFromProxy } from "@org/auth-user";
import { USER_FIXTURES } from "@org/auth-user/fixtures";
import { describe, expect, it } from "vitest";
import { USER_KEYS } from "../../kernel/user.js";

// The proxy validator maps get-me with the shared mapping: the React SDK runs the same fixtures.
describe("userFromWire, as the proxy validator uses it", () => {
  for (const { name, wire, user } of USER_FIXTURES) {
    it(`shared fixture: ${name}`, () => expect(userFromProxy(wire)).toEqual(user));
  }

  it("maps the contract's example body", () => {
    const user = userFromProxy({
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
    });
    expect(Object.keys(user)).toEqual([...USER_KEYS]);
    expect(user).toEqual({
      id: "mock-user-id",
      userName: "mock-user",
      email: "mock.user@example.com",
      name: null,
      accountType: "internal",
      enabled: true,
      firstName: "Mock",
      lastName: "User",
      workspace: { id: "mock-workspace-id", name: "Mock Workspace" },
      workspaceRoles: [{ name: "member" }],
      workspacePermissions: [{ name: "read" }],
      roles: ["member"],
      permissions: ["read"],
      scopes: [],
      isAuthenticated: true,
      isAnonymous: false,
      provider: "proxy",
      extra: {},
    });
  });

  it("defaults: every field present, null or empty, authenticated", () => {
    expect(userFromProxy({})).toMatchObject({
      id: null,
      workspace: null,
      enabled: null,
      workspaceRoles: [],
      workspacePermissions: [],
      isAuthenticated: true,
      isAnonymous: false,
    });
  });

  it("keeps unknown and wrong-typed fields in extra; accepts plain-string entries", () => {
    const user = userFromProxy({
      email: 42,
      new_field: { a: 1 },
      workspace_permissions: ["audit", { name: "read", scope: "all" }, 7],
    });
    expect(user.email).toBeNull();
    expect(user.extra).toEqual({ email: 42, new_field: { a: 1 } });
    expect(user.permissions).toEqual(["audit", "read"]);
    expect(user.workspacePermissions[1]).toEqual({ name: "read", scope: "all" });
  });

  it("never lets __proto__ keys reach a prototype", () => {
    const body = JSON.parse(
      '{"__proto__": {"isAdmin": true}, "workspace": {"__proto__": {"x": 1}}}',
    );
    const user = userFromProxy(body);
    expect(Object.getPrototypeOf(user.extra)).toBe(Object.prototype);
    expect((user.extra as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.hasOwn(user.extra, "__proto__")).toBe(true);
    expect((user.workspace as { x?: unknown }).x).toBeUndefined();
  });
});
