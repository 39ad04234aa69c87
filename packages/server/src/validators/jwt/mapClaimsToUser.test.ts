import { describe, expect, it } from "vitest";
import { hasProtoKey, parseClaimPath, readClaim } from "../../kernel/claimPath.js";
import { USER_KEYS } from "../../kernel/user.js";
import {
  DEFAULT_CLAIM_MAPPING,
  grantsPermission,
  mapClaimsToUser,
  type PermissionSource,
  resolveClaimMapping,
} from "./mapClaimsToUser.js";

describe("claim paths", () => {
  it("follows dotted paths through own properties only", () => {
    const claims = { realm_access: { roles: ["a"] }, list: [{ x: 1 }] };
    expect(readClaim(claims, parseClaimPath("realm_access.roles", "T"))).toEqual(["a"]);
    expect(readClaim(claims, ["realm_access", "missing"])).toBeUndefined();
    expect(readClaim(claims, ["list", "0", "x"])).toBeUndefined();
    expect(readClaim(claims, ["toString"])).toBeUndefined();
    expect(readClaim({ a: "str" }, ["a", "length"])).toBeUndefined();
  });

  it("prefers a literal dotted key (namespaced claims like Auth0's)", () => {
    const claims = { "https://example.com/roles": ["admin"] };
    expect(readClaim(claims, parseClaimPath("https://example.com/roles", "T"))).toEqual(["admin"]);
  });

  it("refuses prototype-related and empty segments, naming the source", () => {
    for (const bad of ["__proto__.x", "a..b", "constructor", "a.prototype", ""]) {
      expect(() => parseClaimPath(bad, "AUTH_ROLES_CLAIM")).toThrow(/AUTH_ROLES_CLAIM/);
    }
  });

  it("finds __proto__ keys at any depth, arrays included", () => {
    expect(hasProtoKey(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toBe(true);
    expect(hasProtoKey(JSON.parse('{"__proto__":null}'))).toBe(true);
    expect(hasProtoKey({ a: [{ b: { c: 1 } }], proto: 1 })).toBe(false);
    const deep = JSON.parse(`${"[".repeat(5000)}1${"]".repeat(5000)}`);
    expect(hasProtoKey(deep)).toBe(false);
  });
});

describe("mapClaimsToUser", () => {
  const mapping = DEFAULT_CLAIM_MAPPING;

  it("maps standard OIDC claims", () => {
    const user = mapClaimsToUser(
      {
        sub: "u1",
        email: "e@x.io",
        name: "Ann",
        preferred_username: "ann",
        given_name: "A",
        family_name: "N",
      },
      mapping,
      "jwt",
    );
    expect(user).toMatchObject({
      id: "u1",
      email: "e@x.io",
      name: "Ann",
      userName: "ann",
      firstName: "A",
      lastName: "N",
      provider: "jwt",
      isAuthenticated: true,
      isAnonymous: false,
      workspaceRoles: [],
      workspacePermissions: [],
      extra: {},
    });
  });

  it("reads scopes from scope (string) and scp (string or array), deduplicated", () => {
    expect(mapClaimsToUser({ scope: "a b  c", scp: ["c", "d", 7] }, mapping, "jwt").scopes).toEqual(
      ["a", "b", "c", "d"],
    );
    expect(mapClaimsToUser({ scp: "x y" }, mapping, "jwt").scopes).toEqual(["x", "y"]);
  });

  it("honours AUTH_SCOPES_FORMAT strictly", () => {
    const space = resolveClaimMapping({ scopes: "scp", scopesFormat: "space" });
    expect(mapClaimsToUser({ scp: ["a"] }, space, "jwt").scopes).toEqual([]);
    expect(mapClaimsToUser({ scp: "a b" }, space, "jwt").scopes).toEqual(["a", "b"]);
    const array = resolveClaimMapping({ scopes: "scp", scopesFormat: "array" });
    expect(mapClaimsToUser({ scp: "a b" }, array, "jwt").scopes).toEqual([]);
    expect(mapClaimsToUser({ scp: ["a", "b"] }, array, "jwt").scopes).toEqual(["a", "b"]);
  });

  it("uses configured paths: several roles paths are unioned, the first id path wins", () => {
    const custom = resolveClaimMapping({
      userId: ["oid", "sub"],
      roles: "realm_access.roles,groups",
      email: "upn",
    });
    const user = mapClaimsToUser(
      { sub: "s", oid: "o", realm_access: { roles: ["r1"] }, groups: ["g1", "r1"], upn: "u@x" },
      custom,
      "kc",
    );
    expect(user.id).toBe("o");
    expect(user.roles).toEqual(["r1", "g1"]);
    expect(user.email).toBe("u@x");
  });

  it("user.permissions lists the permission claims only, whatever the permission sources", () => {
    const claims = { permissions: ["p"], roles: ["r"], scope: "s" };
    const withScopes = resolveClaimMapping({
      permissionSources: ["permissions", "roles", "scopes"],
    });
    for (const m of [mapping, withScopes]) {
      expect(mapClaimsToUser(claims, m, "jwt").permissions).toEqual(["p"]);
    }
  });

  it("the permission check grants from the configured sources (permissions and roles by default)", () => {
    const user = mapClaimsToUser({ permissions: ["p"], roles: ["r"], scope: "s" }, mapping, "jwt");
    const granted = (sources: readonly PermissionSource[]) =>
      ["p", "r", "s", "x"].filter((name) => grantsPermission(user, name, sources));
    expect(granted(mapping.permissionSources)).toEqual(["p", "r"]);
    expect(granted(["permissions", "roles", "scopes"])).toEqual(["p", "r", "s"]);
    expect(granted(["permissions"])).toEqual(["p"]);
    expect(granted([])).toEqual([]);
  });

  it("yields every User field: null where no claim holds it; workspace from workspace_id", () => {
    const user = mapClaimsToUser({ sub: "u", workspace_id: "w1" }, mapping, "jwt");
    expect(Object.keys(user)).toEqual([...USER_KEYS]);
    expect(user).toMatchObject({
      email: null,
      accountType: null,
      enabled: null,
      firstName: null,
      workspace: { id: "w1" },
    });
    expect(mapClaimsToUser({ sub: "u" }, mapping, "jwt").workspace).toBeNull();
  });

  it("ignores claims of unexpected types", () => {
    const user = mapClaimsToUser(
      { sub: { nested: 1 }, email: 5, roles: { admin: true }, scope: 12 },
      mapping,
      "jwt",
    );
    expect(user.id).toBeNull();
    expect(user.email).toBeNull();
    expect(user.roles).toEqual([]);
    expect(user.scopes).toEqual([]);
    expect(mapClaimsToUser({ sub: 42 }, mapping, "jwt").id).toBe("42");
  });

  it("freezes the raw claims it exposes, and never serialises or copies them", () => {
    const user = mapClaimsToUser({ sub: "u", sid: "s-1", jti: "j-1" }, mapping, "jwt");
    expect(Object.isFrozen(user.claims)).toBe(true);
    expect(user.claims).toEqual({ sub: "u", sid: "s-1", jti: "j-1" });
    for (const copy of [JSON.stringify(user), JSON.stringify(structuredClone(user))]) {
      expect(copy).not.toMatch(/claims|s-1|j-1/);
    }
    expect({ ...user }).not.toHaveProperty("claims");
  });
});
