import { errors } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError } from "../kernel/errors.js";
import { USER_KEYS } from "../kernel/user.js";
import { createAdapterValidator } from "../validators/adapters/createAdapterValidator.js";
import { createAnonymousValidator } from "../validators/adapters/createAnonymousValidator.js";
import { clearAdapters, getAdapter, registerAdapter } from "./registerAdapter.js";

const ctx = { header: () => undefined };
afterEach(() => clearAdapters());

describe("registerAdapter", () => {
  it("registers by name and refuses bad names, built-in names and duplicates", () => {
    const adapter = { validateToken: async () => null };
    registerAdapter("my-provider", adapter);
    expect(getAdapter("my-provider")).toBe(adapter);
    registerAdapter("my-provider", adapter); // idempotent for the same adapter
    expect(() => registerAdapter("my-provider", { validateToken: async () => null })).toThrow(
      /already registered/,
    );
    expect(() => registerAdapter("keycloak", adapter)).toThrow(/built-in/);
    expect(() => registerAdapter("Bad Name", adapter)).toThrow(/not a valid adapter name/);
    expect(() => registerAdapter("x", {} as never)).toThrow(/validateToken/);
  });
});

describe("createAdapterValidator", () => {
  const verify = (adapter: Parameters<typeof createAdapterValidator>[1]) =>
    createAdapterValidator("custom", adapter).verify("tok", ctx);

  it("maps the adapter's claims to the common User, expiry from rawClaims.exp", async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const { user, expiresAt } = await verify({
      validateToken: async () => ({
        userId: "u1",
        email: "e@x",
        roles: ["admin", 3 as never],
        scopes: ["read"],
        rawClaims: { exp, tenant: "t1" },
      }),
    });
    expect(user).toMatchObject({
      id: "u1",
      email: "e@x",
      roles: ["admin"],
      scopes: ["read"],
      provider: "custom",
      isAuthenticated: true,
    });
    // The list holds permissions only; roles and scopes still grant requirePermission.
    expect(user.permissions).toEqual([]);
    const validator = createAdapterValidator("custom", { validateToken: async () => null });
    for (const name of ["admin", "read"]) {
      expect(await validator.hasPermission("tok", { user }, name, ctx)).toBe(true);
    }
    expect(await validator.hasPermission("tok", { user }, "write", ctx)).toBe(false);
    expect(user.claims).toEqual({ exp, tenant: "t1" });
    expect(JSON.stringify(user)).not.toContain("tenant");
    expect(expiresAt).toBe(exp * 1000);
  });

  it("null → 401; AuthError passes through; jose errors → 401; anything else → 502", async () => {
    await expect(verify({ validateToken: async () => null })).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      verify({
        validateToken: async () => {
          throw new AuthError("permission_denied", 403, "no");
        },
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      verify({
        validateToken: async () => {
          throw new errors.JWTExpired("expired", {});
        },
      }),
    ).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    const boom = await verify({
      validateToken: async () => {
        throw new Error("db down tok");
      },
    }).catch((e: AuthError) => e);
    expect(boom).toMatchObject({ status: 502, code: "upstream_error" });
    expect((boom as AuthError).message).not.toContain("tok");
    await expect(verify({ validateToken: async () => "yes" as never })).rejects.toMatchObject({
      status: 502,
    });
  });

  it("claims without a userId → 502 naming the fix: an authenticated user always has an id", async () => {
    const error = await verify({ validateToken: async () => ({ email: "e@x" }) }).catch(
      (e: AuthError) => e,
    );
    expect(error).toMatchObject({ status: 502, code: "upstream_error" });
    expect((error as AuthError).message).toMatch(/without a userId: return the user's id/);
  });
});

describe("createAnonymousValidator", () => {
  it("returns the anonymous user and grants every permission", async () => {
    const v = createAnonymousValidator();
    const verification = await v.verify("anything", ctx);
    expect(verification.user).toMatchObject({
      isAnonymous: true,
      isAuthenticated: false,
      provider: "none",
      roles: [],
    });
    expect(verification.user.id).toBeNull();
    expect(Object.keys(verification.user)).toEqual([...USER_KEYS]);
    expect(await v.hasPermission("t", verification, "admin", ctx)).toBe(true);
  });
});
