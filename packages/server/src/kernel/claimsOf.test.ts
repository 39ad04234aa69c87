import { userFromWire } from "@org/auth-user";
import { describe, expect, it } from "vitest";
import { claimsOf } from "./claimsOf.js";
import { tokenAgeRefusal } from "./tokenAge.js";
import { makeUser, withClaims } from "./user.js";

describe("claimsOf", () => {
  it("is the token's claims when the user has them", () => {
    const claims = Object.freeze({ sub: "u1", org_id: "acme" });
    expect(claimsOf(withClaims(makeUser({ provider: "jwt", id: "u1" }), claims))).toBe(claims);
  });

  it("is the get-me answer by its own field names in proxy mode, unknown fields included", () => {
    const wire = JSON.parse(
      '{"id":"u1","account_type":"internal","workspace":{"id":"w1"},"groups":["a"],"email":null,"__proto__":{"admin":true}}',
    );
    const user = userFromWire(wire);
    const view = claimsOf(user);
    expect(view).toMatchObject({
      id: "u1",
      account_type: "internal",
      workspace: { id: "w1" },
      groups: ["a"],
    });
    expect(Object.hasOwn(view, "email")).toBe(false);
    // An upstream "__proto__" field stays a plain key: the view's prototype is untouched.
    expect((view as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.isFrozen(view)).toBe(true);
    expect(claimsOf(user)).toBe(view);
  });
});

describe("tokenAgeRefusal", () => {
  const now = 1_700_000_000_000;
  it("counts from auth_time, else iat, with the tolerance either way", () => {
    expect(tokenAgeRefusal({ iat: now / 1000 - 350 }, 300, 60, now)).toBeUndefined();
    expect(tokenAgeRefusal({ iat: now / 1000 - 361 }, 300, 60, now)).toMatch(/since issue \(iat\)/);
    expect(tokenAgeRefusal({ iat: now / 1000, auth_time: now / 1000 - 400 }, 300, 60, now)).toMatch(
      /since sign-in \(auth_time\)/,
    );
    expect(tokenAgeRefusal({ iat: now / 1000 + 30 }, 300, 60, now)).toBeUndefined();
    expect(tokenAgeRefusal({ iat: now / 1000 + 90 }, 300, 60, now)).toMatch(/in the future/);
    expect(tokenAgeRefusal({ iat: "1700000000" }, 300, 60, now)).toMatch(
      /neither auth_time nor iat/,
    );
  });
});
