import { describe, expect, it } from "vitest";
import { makeUser, USER_KEYS, userFromWire, withClaims } from "./index.js";

// The runtime's own structured clone (postMessage, worker threads, caches); not in this lib's types.
const { structuredClone } = globalThis as unknown as { structuredClone<T>(value: T): T };

describe("makeUser", () => {
  it("fills every field: null profile, empty lists, authenticated unless told", () => {
    const user = makeUser({ provider: "jwt", id: "u1" });
    expect(Object.keys(user)).toEqual([...USER_KEYS]);
    expect(user).toMatchObject({ id: "u1", email: null, workspace: null, enabled: null });
    expect(user).toMatchObject({ isAuthenticated: true, isAnonymous: false, roles: [] });
    const anonymous = makeUser({ provider: "none", isAuthenticated: false });
    expect(anonymous).toMatchObject({ id: null, isAuthenticated: false, isAnonymous: true });
  });

  it("never lets a __proto__ key reach the prototype", () => {
    const fields = JSON.parse('{"provider":"x","__proto__":{"isAdmin":true}}');
    const user = makeUser(fields);
    expect(Object.getPrototypeOf(user)).toBe(Object.prototype);
    expect((user as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.keys(user)).toEqual([...USER_KEYS]);
  });

  it("keeps every field a mode knows, false, empty and null included, and nothing else", () => {
    const fields = {
      provider: "proxy",
      id: "u1",
      enabled: false,
      workspace: { id: "w1" },
      roles: ["owner"],
      scopes: [],
      isAuthenticated: true,
      isAnonymous: true,
      extra: { plan: "pro" },
      claims: { sid: "session-1" },
    };
    expect(makeUser(fields)).toStrictEqual({
      id: "u1",
      userName: null,
      email: null,
      name: null,
      accountType: null,
      enabled: false,
      firstName: null,
      lastName: null,
      workspace: { id: "w1" },
      workspaceRoles: [],
      workspacePermissions: [],
      roles: ["owner"],
      permissions: [],
      scopes: [],
      isAuthenticated: true,
      isAnonymous: true,
      provider: "proxy",
      extra: { plan: "pro" },
    });
  });

  it("gives every user lists and an extra object of its own", () => {
    const [a, b] = [makeUser({ provider: "jwt" }), makeUser({ provider: "jwt" })];
    for (const key of [
      "workspaceRoles",
      "workspacePermissions",
      "roles",
      "permissions",
      "scopes",
    ]) {
      expect(a[key as keyof typeof a]).not.toBe(b[key as keyof typeof b]);
    }
    expect(a.extra).not.toBe(b.extra);
  });

  it("userFromWire builds the same keys, in the same order", () => {
    expect(Object.keys(userFromWire({ id: "u", extra_field: 1 }))).toEqual([...USER_KEYS]);
  });
});

describe("withClaims", () => {
  const claims = { sub: "u1", sid: "session-1", jti: "token-1" };

  it("keeps the claims readable on the object", () => {
    const user = withClaims(makeUser({ provider: "jwt", id: "u1" }), claims);
    expect(user.claims).toEqual(claims);
    expect(Object.isFrozen(user.claims)).toBe(true);
    expect(() => {
      (user as { claims?: unknown }).claims = {};
    }).toThrow(TypeError);
  });

  it("never serialises or copies them: JSON, spread, Object.keys, structuredClone", () => {
    const user = withClaims(makeUser({ provider: "jwt", id: "u1" }), claims);
    const copies = [
      JSON.stringify(user),
      JSON.stringify({ ...user }),
      JSON.stringify(structuredClone(user)),
      JSON.stringify(Object.keys(user)),
    ];
    for (const text of copies) expect(text).not.toMatch(/claims|session-1|token-1/);
    expect(structuredClone(user)).toEqual({ ...user });
  });
});
