import { afterEach, describe, expect, it } from "vitest";
import { clearAdapters, registerAdapter } from "../registerAdapter.js";
import { detectProvider } from "./detectProvider.js";

const adapter = (enabled: boolean) => ({
  validateToken: async () => null,
  isEnabled: () => enabled,
});

afterEach(() => clearAdapters());

describe("detectProvider", () => {
  it("nothing set → proxy (fail closed, never anonymous)", () => {
    expect(detectProvider({})).toEqual({ provider: "proxy", reason: expect.any(String) });
    expect(detectProvider({ AUTH_ENABLED: "true" }).provider).toBe("proxy");
  });

  it("follows the documented auto-detection table (same as the Python SDK)", () => {
    expect(detectProvider({ AUTH_ENABLED: "false" })).toEqual({
      provider: "none",
      reason: "AUTH_ENABLED=false",
    });
    expect(detectProvider({ SUPABASE_URL: "https://x.supabase.co" }).provider).toBe("supabase");
    expect(detectProvider({ KEYCLOAK_URL: "https://kc", KEYCLOAK_REALM: "r" }).provider).toBe(
      "keycloak",
    );
    expect(
      detectProvider({ AUTH_JWKS_URL: "https://id/jwks", AUTH_ISSUER: "https://id/" }).provider,
    ).toBe("jwt");
    expect(detectProvider({ OIDC_ISSUER: "https://id/app/" })).toEqual({
      provider: "jwt",
      reason: "OIDC_ISSUER",
    });
  });

  it.each([
    ["SUPABASE_URL", "https://x.supabase.co"],
    ["KEYCLOAK_URL", "https://kc"],
    ["KEYCLOAK_REALM", "main"],
    ["KEYCLOAK_CLIENT_ID", "api"],
    ["AUTH_ISSUER", "https://id.example/"],
    ["OIDC_ISSUER", "https://id.example/app/"],
    ["AUTH_JWKS_URL", "https://id.example/jwks"],
    ["AUTH_AUDIENCE", "api"],
    ["OXAIGEN_AUTH_PROXY_URL_OVERRIDE", "https://auth.example.com"],
    ["OXAIGEN_AUTH_ALLOWED_HOSTS", "app.example.com"],
    ["OXAIGEN_AUTH_DEV_MODE", "1"],
  ])(
    "AUTH_ENABLED=false next to %s stops start-up instead of silently disabling auth",
    (name, value) => {
      expect(() => detectProvider({ AUTH_ENABLED: "false", [name]: value })).toThrow(
        new RegExp(`AUTH_ENABLED=false would switch authentication off although ${name} is set`),
      );
    },
  );

  it("AUTH_ENABLED=false names every conflicting variable, and an enabled custom adapter", () => {
    registerAdapter("mine", adapter(true));
    expect(() =>
      detectProvider({
        AUTH_ENABLED: "0",
        SUPABASE_URL: "https://x",
        OXAIGEN_AUTH_ALLOWED_HOSTS: "a.example",
      }),
    ).toThrow(
      /SUPABASE_URL, OXAIGEN_AUTH_ALLOWED_HOSTS, registered adapter "mine" are set.*AUTH_PROVIDER=none/,
    );
  });

  it("only a bare AUTH_ENABLED=false, or AUTH_PROVIDER=none, disables auth", () => {
    // Unrelated settings (cookie name, dev mode off, claim mapping) do not count.
    const bare = {
      AUTH_ENABLED: "false",
      OXAIGEN_AUTH_DEV_MODE: "0",
      OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME: "c",
      AUTH_ROLES_CLAIM: "roles",
    };
    expect(detectProvider(bare).provider).toBe("none");
    registerAdapter("off", adapter(false));
    expect(detectProvider(bare).provider).toBe("none");
    expect(detectProvider({ AUTH_PROVIDER: "none", SUPABASE_URL: "https://x" }).provider).toBe(
      "none",
    );
  });

  it("AUTH_PROVIDER picks explicitly, case-insensitively", () => {
    expect(detectProvider({ AUTH_PROVIDER: "Auth0" }).provider).toBe("auth0");
    expect(detectProvider({ AUTH_PROVIDER: "none" }).provider).toBe("none");
    expect(detectProvider({ AUTH_PROVIDER: "proxy", SUPABASE_URL: "https://x" }).provider).toBe(
      "proxy",
    );
  });

  it("stops start-up on unknown, conflicting or incomplete settings, naming the variables", () => {
    expect(() => detectProvider({ AUTH_PROVIDER: "cognito" })).toThrow(/AUTH_PROVIDER=cognito/);
    expect(() => detectProvider({ AUTH_PROVIDER: "jwt", AUTH_ENABLED: "false" })).toThrow(
      /AUTH_ENABLED=false contradicts AUTH_PROVIDER=jwt/,
    );
    expect(() => detectProvider({ AUTH_ENABLED: "maybe" })).toThrow(/AUTH_ENABLED/);
    expect(() => detectProvider({ KEYCLOAK_URL: "https://kc" })).toThrow(/KEYCLOAK_REALM/);
    expect(() => detectProvider({ KEYCLOAK_REALM: "r" })).toThrow(/KEYCLOAK_URL/);
    expect(() => detectProvider({ AUTH_JWKS_URL: "https://id/jwks" })).toThrow(/AUTH_ISSUER/);
    expect(() =>
      detectProvider({
        SUPABASE_URL: "https://x",
        KEYCLOAK_URL: "https://kc",
        KEYCLOAK_REALM: "r",
      }),
    ).toThrow(/set AUTH_PROVIDER/);
  });

  it("proxy-only settings next to a JWT provider's are ambiguous unless AUTH_PROVIDER decides", () => {
    const both = {
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.example",
      SUPABASE_URL: "https://x",
    };
    expect(() => detectProvider(both)).toThrow(/proxy via OXAIGEN_AUTH_PROXY_URL_OVERRIDE/);
    expect(detectProvider({ ...both, AUTH_PROVIDER: "supabase" }).provider).toBe("supabase");
    expect(detectProvider({ OXAIGEN_AUTH_DEV_MODE: "1" }).provider).toBe("proxy");
  });

  it("knows registered adapters: explicit by name, auto-detected when the only one enabled", () => {
    registerAdapter("mine", adapter(false));
    expect(detectProvider({ AUTH_PROVIDER: "mine" }).provider).toBe("mine");
    expect(detectProvider({}).provider).toBe("proxy");
    registerAdapter("other", adapter(true));
    expect(detectProvider({}).provider).toBe("other");
    expect(() => detectProvider({ SUPABASE_URL: "https://x" })).toThrow(/Several auth providers/);
  });
});
