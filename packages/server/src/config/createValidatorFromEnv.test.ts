import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../kernel/errors.js";
import { AUTH_DISABLED_WARNING, createValidatorFromEnv } from "./createValidatorFromEnv.js";
import { clearAdapters, registerAdapter } from "./registerAdapter.js";

afterEach(() => clearAdapters());

describe("createValidatorFromEnv", () => {
  it("nothing set → proxy mode", async () => {
    const validator = createValidatorFromEnv({}, { logger: { warn() {} } });
    expect(validator.name).toBe("proxy");
    await validator.close?.();
  });

  it("auto-detects the JWT presets from their variables", () => {
    const env = {
      KEYCLOAK_URL: "https://kc.example",
      KEYCLOAK_REALM: "r",
      KEYCLOAK_CLIENT_ID: "c",
    };
    expect(createValidatorFromEnv(env).name).toBe("keycloak");
    expect(createValidatorFromEnv({ SUPABASE_URL: "https://x.supabase.co" }).name).toBe("supabase");
    const jwt = { AUTH_ISSUER: "https://id.example/", AUTH_AUDIENCE: "api" };
    expect(createValidatorFromEnv(jwt).name).toBe("jwt");
    expect(createValidatorFromEnv({ ...jwt, AUTH_PROVIDER: "azure" }).name).toBe("azure");
  });

  it("none: anonymous validator and one loud warning", () => {
    const logger = { warn: vi.fn() };
    const validator = createValidatorFromEnv({ AUTH_ENABLED: "false" }, { logger });
    expect(validator.name).toBe("none");
    expect(validator.anonymous?.user).toMatchObject({ isAnonymous: true, provider: "none" });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(AUTH_DISABLED_WARNING);
  });

  it("uses a registered custom adapter by name", async () => {
    registerAdapter("acme", { validateToken: async () => ({ userId: "a" }) });
    const validator = createValidatorFromEnv({ AUTH_PROVIDER: "acme" });
    expect(validator.name).toBe("acme");
    const { user } = await validator.verify("t", { header: () => undefined });
    expect(user).toMatchObject({ id: "a", provider: "acme" });
  });

  it("stops start-up with a ConfigurationError naming the variables", () => {
    expect(() => createValidatorFromEnv({ KEYCLOAK_URL: "https://kc" })).toThrow(
      ConfigurationError,
    );
    expect(() => createValidatorFromEnv({ KEYCLOAK_URL: "https://kc" })).toThrow(/KEYCLOAK_REALM/);
    expect(() => createValidatorFromEnv({ AUTH_PROVIDER: "jwt" })).toThrow(/AUTH_ISSUER/);
    expect(() => createValidatorFromEnv({ OIDC_ISSUER: "not a url", AUTH_AUDIENCE: "a" })).toThrow(
      /AUTH_ISSUER \/ OIDC_ISSUER/,
    );
  });
});
