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

  it("mixed mode with many issuers: AUTH_ISSUERS next to AUTH_INTROSPECTION_URL", async () => {
    const env = {
      ...BASE,
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUERS: "https://a.example/,https://b.example/",
    };
    const validator = createValidatorFromEnv(env, quiet);
    const identity = JSON.parse(validator.identity!);
    expect(JSON.parse(identity.jwt).issuers).toHaveLength(2);
    expect(JSON.parse(identity.introspection)).toMatchObject({
      url: BASE.AUTH_INTROSPECTION_URL,
      issuer: null,
      audiences: ["orders-api"],
    });
    await validator.close?.();
  });

  it("mixed mode with many issuers checks introspected tokens against AUTH_AUDIENCE", () => {
    const { AUTH_AUDIENCE: _, ...env } = BASE;
    const options = {
      ...quiet,
      issuers: [{ issuer: "https://a.example/", audience: "a-api" }],
    };
    expect(() => createValidatorFromEnv({ ...env, AUTH_PROVIDER: "jwt" }, options)).toThrow(
      /Mixed mode with many issuers checks introspected tokens' aud against AUTH_AUDIENCE/,
    );
  });

  it("mixed mode with a resolver: the resolver's headers scope every answer, shared on Redis only with its cacheScope", async () => {
    const resolve = async () => null;
    const env = { ...BASE, AUTH_PROVIDER: "jwt" };
    const own = createValidatorFromEnv(env, { ...quiet, issuerResolver: { resolve } });
    expect(own.identity).toBeUndefined();
    expect(own.scope?.({ header: (name) => (name === "host" ? "a.example" : undefined) })).toBe(
      "a.example",
    );
    const shared = createValidatorFromEnv(env, {
      ...quiet,
      issuerResolver: { resolve, cacheScope: "tenants-v1" },
    });
    expect(shared.identity).toContain("tenants-v1");
    await Promise.all([own.close?.(), shared.close?.()]);
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
