import { afterEach, describe, expect, it, vi } from "vitest";
import { authenticateUpgrade } from "../bindings/websocket/authenticateUpgrade.js";
import { createAuth } from "./createAuth.js";
import { clearAdapters, registerAdapter } from "./registerAdapter.js";

afterEach(() => clearAdapters());

describe("AUTH_PROVIDER=none through createAuth", () => {
  const make = () => createAuth({ env: { AUTH_PROVIDER: "none" }, logger: { warn: vi.fn() } });

  it("every request is the anonymous user, with or without (even a malformed) token", async () => {
    const auth = make();
    for (const headers of [{}, { authorization: "Bearer x.y.z" }, { authorization: "Basic abc" }]) {
      const user = await auth.getCurrentUser({ headers });
      expect(user).toMatchObject({ isAnonymous: true, isAuthenticated: false, provider: "none" });
    }
    await expect(auth.requirePermission("admin")({ headers: {} })).resolves.toMatchObject({
      isAnonymous: true,
    });
  });

  it("WebSocket upgrades are accepted without a token", async () => {
    const { user } = await authenticateUpgrade({ headers: {} }, { auth: make() });
    expect(user.isAnonymous).toBe(true);
  });

  it("is never the default: an empty env is proxy mode and answers 401 without a token", async () => {
    const auth = createAuth({ env: {}, logger: { warn() {} } });
    await expect(auth.getCurrentUser({ headers: { host: "a.example" } })).rejects.toMatchObject({
      status: 401,
    });
    await auth.close();
  });
});

describe("custom adapters through createAuth", () => {
  it("AUTH_PROVIDER=<name> uses the registered adapter; its failures map to 401 / 502", async () => {
    registerAdapter("acme", {
      validateToken: async (token) => {
        if (token === "down") throw new Error("acme backend unreachable");
        return token === "good" ? { userId: "u1", roles: ["admin"] } : null;
      },
      isEnabled: () => true,
    });
    const auth = createAuth({ env: { AUTH_PROVIDER: "acme" }, logger: { warn() {} } });
    const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    await expect(auth.getCurrentUser(req("good"))).resolves.toMatchObject({
      id: "u1",
      provider: "acme",
    });
    await expect(auth.requirePermission("admin")(req("good"))).resolves.toBeDefined();
    await expect(auth.getCurrentUser(req("bad"))).rejects.toMatchObject({ status: 401 });
    await expect(auth.getCurrentUser(req("down"))).rejects.toMatchObject({ status: 502 });
    // Auto-detected when it is the only enabled adapter and nothing else is configured.
    expect(createAuth({ env: {}, logger: { warn() {} } }).validator.name).toBe("acme");
  });
});
