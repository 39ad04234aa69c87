import { describe, expect, it } from "vitest";
import { USER_FIXTURES } from "./fixtures.js";
import { userFromWire } from "./index.js";

describe("userFromWire", () => {
  for (const { name, wire, user } of USER_FIXTURES) {
    it(name, () => expect(userFromWire(wire)).toEqual(user));
  }

  it("never lets __proto__ keys reach a prototype", () => {
    const body = JSON.parse(
      '{"__proto__": {"isAdmin": true}, "workspace": {"__proto__": {"x": 1}}}',
    );
    const user = userFromWire(body);
    expect(Object.getPrototypeOf(user.extra)).toBe(Object.prototype);
    expect((user.extra as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.hasOwn(user.extra, "__proto__")).toBe(true);
    expect((user.workspace as { x?: unknown }).x).toBeUndefined();
  });

  it("does not share arrays or objects with the wire body", () => {
    const wire = { workspace: { id: "w" }, workspace_roles: [{ name: "a" }] };
    const user = userFromWire(wire);
    expect(user.workspace).not.toBe(wire.workspace);
    expect(user.workspaceRoles[0]).not.toBe(wire.workspace_roles[0]);
  });
});
