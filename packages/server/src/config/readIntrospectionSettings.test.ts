import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../kernel/errors.js";
import { createValidatorFromEnv } from "./createValidatorFromEnv.js";
import { detectProvider } from "./presets/detectProvider.js";
import { readSettings } from "./readSettings.js";

const BASE = {
  AUTH_INTROSPECTION_URL: "https://id.example/oauth2/introspect",
  AUTH_CLIENT_ID: "orders-api",
  AUTH_CLIENT_SECRET: "orders-api-secret",
  AUTH_AUDIENCE: "orders-api",
};
const quiet = { logger: { warn() {}, error() {} } };

describe("introspection settings", () => {
  it("AUTH_INTROSPECTION_URL alone asks for introspection, also next to AUTH_ISSUER", () => {
    expect(detectProvider(BASE)).toEqual({
      provider: "introspection",
      reason: "AUTH_INTROSPECTION_URL",
    });
    expect(detectProvider({ ...BASE, AUTH_ISSUER: "https://id.example/" }).provider).toBe(
      "introspection",
    );
  });

  it("a JWT provider with AUTH_INTROSPECTION_URL is mixed mode", async () => {
    const validator = createValidatorFromEnv(
      { ...BASE, AUTH_PROVIDER: "jwt", AUTH_ISSUER: "https://id.example/" },
      quiet,
    );
    expect(validator.name).toBe("jwt");
    expect(JSON.parse(validator.identity!)).toHaveProperty("introspection");
    await validator.close?.();
  });

  it("mixed mode takes one issuer: AUTH_ISSUERS next to AUTH_INTROSPECTION_URL stops start-up", () => {
    const env = {
      ...BASE,
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUERS: "https://a.example/,https://b.example/",
    };
    expect(() => createValidatorFromEnv(env, quiet)).toThrow(ConfigurationError);
    expect(() => createValidatorFromEnv(env, quiet)).toThrow(
      /set AUTH_ISSUER instead of AUTH_ISSUERS/,
    );
  });

  it("AUTH_ENABLED=false next to AUTH_INTROSPECTION_URL is refused", () => {
    expect(() => detectProvider({ ...BASE, AUTH_ENABLED: "false" })).toThrow(
      /AUTH_INTROSPECTION_URL/,
    );
  });

  it.each([
    ["no client id", { AUTH_CLIENT_ID: "" }, /AUTH_CLIENT_ID/],
    ["no secret or key", { AUTH_CLIENT_SECRET: "" }, /AUTH_CLIENT_SECRET/],
    [
      "an unknown method",
      { AUTH_INTROSPECTION_AUTH_METHOD: "tls_client_auth" },
      /AUTH_INTROSPECTION_AUTH_METHOD/,
    ],
    ["no audience", { AUTH_AUDIENCE: "" }, /AUTH_AUDIENCE/],
    [
      "no endpoint nor issuer",
      { AUTH_PROVIDER: "introspection", AUTH_INTROSPECTION_URL: "" },
      /AUTH_INTROSPECTION_URL/,
    ],
    [
      "a URL with credentials",
      { AUTH_INTROSPECTION_URL: "https://u:p@id.example/i" },
      /credentials/,
    ],
  ])("%s stops start-up with a message naming the setting", (_what, patch, message) => {
    const run = () => createValidatorFromEnv({ ...BASE, ...patch }, quiet);
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(message);
  });

  it("the client secret and key never reach a message", () => {
    const secret = "s3cr3t-value-never-shown";
    try {
      createValidatorFromEnv({ ...BASE, AUTH_CLIENT_SECRET: secret, AUTH_AUDIENCE: "" }, quiet);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });

  it("the identity names the endpoint, client and audience, never the secret", async () => {
    const settings = readSettings(BASE);
    expect(settings.validator?.detection.provider).toBe("introspection");
    const validator = createValidatorFromEnv(BASE, quiet);
    expect(validator.identity).toContain("orders-api");
    expect(validator.identity).toContain(BASE.AUTH_INTROSPECTION_URL);
    expect(validator.identity).not.toContain(BASE.AUTH_CLIENT_SECRET);
    await validator.close?.();
  });
});
