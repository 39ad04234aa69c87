import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import { acloseClient, ConfigurationError, createAuth } from "../src/index.js";

const PRODUCTION = { NODE_ENV: "production" };

function capture() {
  const lines: string[] = [];
  return {
    lines,
    logger: { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) },
  };
}

describe("NODE_ENV=production without a host allow-list", () => {
  const saved = { ...process.env };
  afterEach(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await acloseClient();
  });

  it("refuses to start, saying what to set", () => {
    const { logger } = capture();
    const start = () => createAuth({ env: PRODUCTION, logger });
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(/OXAIGEN_AUTH_ALLOWED_HOSTS/);
    expect(start).toThrow(/OXAIGEN_AUTH_PROXY_URL_OVERRIDE/);
  });

  it("a zero-config app (README style) fails when its routes are declared", () => {
    for (const key of Object.keys(process.env))
      if (key.startsWith("OXAIGEN_AUTH_")) delete process.env[key];
    for (const key of Object.keys(process.env))
      if (key.startsWith("AUTH_")) delete process.env[key];
    process.env.NODE_ENV = "production";
    expect(() => ex.authMiddleware()).toThrow(/OXAIGEN_AUTH_ALLOWED_HOSTS/);
  });

  it("starts with an allow-list, an override or dev mode, and logs no security warning", () => {
    for (const env of [
      { ...PRODUCTION, OXAIGEN_AUTH_ALLOWED_HOSTS: "app.example.com" },
      { ...PRODUCTION, OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.internal.example" },
      { ...PRODUCTION, OXAIGEN_AUTH_DEV_MODE: "1" },
    ]) {
      const { lines, logger } = capture();
      expect(() => createAuth({ env, logger })).not.toThrow();
      expect(lines).toEqual([]);
    }
  });

  it("* is an explicit opt-out: it starts, and says loudly that any Host chooses the proxy", () => {
    const errors: string[] = [];
    const logger = { warn: () => {}, error: (m: string) => errors.push(m) };
    createAuth({ env: { ...PRODUCTION, OXAIGEN_AUTH_ALLOWED_HOSTS: "*" }, logger });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/OXAIGEN_AUTH_ALLOWED_HOSTS=\*/);
    expect(errors[0]).toMatch(/production/);
  });

  it("development keeps the zero-config behaviour: it starts, with one warning", () => {
    for (const env of [{}, { NODE_ENV: "development" }, { NODE_ENV: "test" }]) {
      const { lines, logger } = capture();
      expect(() => createAuth({ env, logger })).not.toThrow();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/SECURITY WARNING/);
    }
  });

  it("other modes are unaffected (local JWT validation, a custom validator)", () => {
    const { logger } = capture();
    const env = { ...PRODUCTION, AUTH_ISSUER: "https://idp.example.com", AUTH_AUDIENCE: "api" };
    expect(() => createAuth({ env, logger })).not.toThrow();
  });
});
