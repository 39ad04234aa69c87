import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeValidator } from "../../test/fakeValidator.js";
import { ConfigurationError } from "../kernel/errors.js";
import { JwtValidator } from "../validators/jwt/JwtValidator.js";
import { createAuth } from "./createAuth.js";
import { createValidatorFromEnv } from "./createValidatorFromEnv.js";
import { type Env, readEnv } from "./env.js";
import * as settingsModule from "./readSettings.js";
import { readSettings } from "./readSettings.js";
import { ENV_VARS } from "./settingsTable.js";
import { snapshotEnv } from "./snapshotEnv.js";

vi.mock("./readSettings.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("./readSettings.js")>();
  return { ...original, readSettings: vi.fn(original.readSettings) };
});

afterEach(() => vi.mocked(settingsModule.readSettings).mockClear());

/** An env that counts every access per key (reads, `in`, key listing). */
function countingEnv(values: Record<string, string>) {
  const reads = new Map<string, number>();
  const count = (key: string | symbol) => {
    const name = String(key);
    reads.set(name, (reads.get(name) ?? 0) + 1);
  };
  const env = new Proxy(values, {
    get(target, key) {
      count(key);
      return Reflect.get(target, key);
    },
    has(target, key) {
      count(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      count("(ownKeys)");
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      count(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  return { env: env as Env, reads };
}

const silent = { warn() {}, error() {} };

const KEYCLOAK = {
  KEYCLOAK_URL: "https://sso.example.com",
  KEYCLOAK_REALM: "main",
  KEYCLOAK_CLIENT_ID: "orders",
  AUTH_AUDIENCE: "orders,account",
  AUTH_CLOCK_SKEW: "30",
  AUTH_ROLES_CLAIM: "groups",
  AUTH_PERMISSION_SOURCES: "permissions,scopes",
  AUTH_JWKS_CACHE_SECONDS: "60",
  AUTH_HTTP_TIMEOUT_SECONDS: "2",
};

const ENVS: Record<string, Record<string, string>> = {
  "proxy mode, every proxy and shared variable": {
    OXAIGEN_AUTH_ALLOWED_HOSTS: "app.example.com,*.example.com",
    OXAIGEN_AUTH_PROXY_SCHEME: "http",
    OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS: "3",
    OXAIGEN_AUTH_TRUST_FORWARDED_HOST: "false",
    OXAIGEN_AUTH_DEV_PROXY_URL: "http://127.0.0.1:9999",
    OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME: "Session",
    OXAIGEN_AUTH_CACHE_TTL_SECONDS: "10",
    OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS: "2",
    OXAIGEN_AUTH_CACHE_MAX_ENTRIES: "64",
    OXAIGEN_AUTH_ALLOWED_ORIGINS: "https://admin.example.com",
    AUTH_WS_ALLOW_QUERY_TOKEN: "true",
    AUTH_UPSTREAM_MAX_CONCURRENCY: "8",
    AUTH_UPSTREAM_MAX_QUEUE: "16",
    AUTH_REVOCATION_TTL_SECONDS: "600",
    AUTH_REDIS_PREFIX: "orders:",
    NODE_ENV: "production",
  },
  // AUTH_AUDIENCE configures both the JWT check and back-channel logout; detection, the preset
  // and the validator all look at KEYCLOAK_URL.
  "keycloak, auto-detected, with back-channel logout": KEYCLOAK,
  "supabase, auto-detected": {
    SUPABASE_URL: "https://abc.supabase.co",
    SUPABASE_JWT_SECRET: "s".repeat(40),
  },
  "authentik, explicit": {
    AUTH_PROVIDER: "authentik",
    OIDC_ISSUER: "https://auth.example.com/application/o/app/",
    OIDC_CLIENT_ID: "app",
    AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: "app-web",
  },
  "generic OIDC with every JWT variable": {
    AUTH_ISSUER: "https://id.example.com/",
    AUTH_JWKS_URL: "https://id.example.com/jwks",
    AUTH_AUDIENCE: "api",
    AUTH_ALGORITHMS: "RS256,ES256",
    AUTH_REQUIRED_SCOPE: "read",
    AUTH_MAX_TOKEN_BYTES: "4096",
    AUTH_SCOPES_FORMAT: "space",
    AUTH_USER_ID_CLAIM: "oid,sub",
    AUTH_VERIFY_ISSUER: "true",
  },
  "auth switched off": { AUTH_ENABLED: "false" },
};

describe("readSettings: the env is read once", () => {
  it.each(Object.entries(ENVS))(
    "%s: createAuth reads each variable at most once, and nothing after construction",
    async (_name, values) => {
      const { env, reads } = countingEnv(values);
      const auth = createAuth({ env, logger: silent });
      const overRead = [...reads].filter(([, times]) => times > 1);
      expect(overRead).toEqual([]);
      // Every variable that is set was looked at (the counter sees the reads that matter).
      for (const name of Object.keys(values)) expect(reads.get(name)).toBe(1);
      // Only the SDK's own variables: nothing else is enumerated or read.
      expect([...reads.keys()].filter((key) => !ENV_VARS.includes(key as never))).toEqual([]);

      reads.clear();
      await auth.getCurrentUserOptional({ headers: { host: "app.example.com" } });
      await auth.close();
      expect([...reads]).toEqual([]);
    },
  );

  it("createValidatorFromEnv reads each variable at most once too", () => {
    const { env, reads } = countingEnv(KEYCLOAK);
    createValidatorFromEnv(env, { logger: silent });
    expect([...reads].filter(([, times]) => times > 1)).toEqual([]);
    expect(reads.get("KEYCLOAK_URL")).toBe(1);
  });

  it("a typed validator skips provider detection (conflicting provider variables do not matter)", () => {
    const env = { SUPABASE_URL: "https://abc.supabase.co", KEYCLOAK_URL: "https://sso.example" };
    expect(() => readSettings(env, {})).toThrow(ConfigurationError);
    const settings = readSettings(env, { validator: fakeValidator({}) });
    expect(settings.validator).toBeUndefined();
  });
});

describe("readSettings: one settings object whichever entry", () => {
  it.each(Object.entries(ENVS))(
    "%s: createAuth and createValidatorFromEnv get equal settings",
    async (_name, env) => {
      const read = vi.mocked(settingsModule.readSettings);
      const auth = createAuth({ env, logger: silent });
      const validator = createValidatorFromEnv(env, { logger: silent });
      expect(read).toHaveBeenCalledTimes(2);
      const [fromCreateAuth, fromValidator] = read.mock.results.map((result) => result.value);
      expect(fromValidator).toEqual(fromCreateAuth);
      expect(auth.settings).toEqual(fromCreateAuth.auth);
      expect(validator.name).toBe(auth.validator.name);
      if (validator instanceof JwtValidator && auth.validator instanceof JwtValidator) {
        expect(validator.providerKeys()?.issuer).toBe(auth.validator.providerKeys()?.issuer);
      }
      await auth.close();
      await (validator as { close?: () => Promise<void> }).close?.();
    },
  );

  it("is frozen, section by section", () => {
    const settings = readSettings(KEYCLOAK, {});
    expect(Object.isFrozen(settings)).toBe(true);
    for (const section of [settings.auth, settings.limits, settings.backchannelLogout]) {
      expect(Object.isFrozen(section)).toBe(true);
    }
    expect(Object.isFrozen(settings.validator)).toBe(true);
    expect(Object.isFrozen(settings.validator?.section)).toBe(true);
    expect(settings.validator?.detection.provider).toBe("keycloak");
    expect(settings.backchannelLogout.audience).toEqual(["orders", "account"]);
  });

  it("options from code win over the env, and messages name the option", () => {
    const env = { OXAIGEN_AUTH_CACHE_TTL_SECONDS: "10", AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: "a" };
    const settings = readSettings(env, {
      cacheTtlSeconds: 3,
      backchannelLogout: { audience: "b" },
      redis: false,
    });
    expect(settings.auth.cacheTtlSeconds).toBe(3);
    expect(settings.backchannelLogout.audience).toBe("b");
    expect(() => readSettings(env, { cacheTtlSeconds: -1 })).toThrow(
      /^cacheTtlSeconds \(the option for OXAIGEN_AUTH_CACHE_TTL_SECONDS\)/,
    );
    expect(() => readSettings({ OXAIGEN_AUTH_CACHE_TTL_SECONDS: "-1" }, {})).toThrow(
      /^OXAIGEN_AUTH_CACHE_TTL_SECONDS must be/,
    );
  });
});

describe("the settings table lists every variable config/ reads", () => {
  it("a lookup of an unlisted name in the snapshot throws instead of reading as unset", () => {
    const vars = snapshotEnv({ AUTH_PROVIDER: "jwt", SOMETHING_ELSE: "x" });
    expect(readEnv(vars, "AUTH_PROVIDER")).toBe("jwt");
    expect(() => readEnv(vars, "SOMETHING_ELSE")).toThrow(/SOMETHING_ELSE.*no row in SETTINGS/);
  });

  it("every variable name quoted in config/ sources is listed", () => {
    const names = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          const source = readFileSync(path, "utf8");
          for (const match of source.matchAll(
            /"((?:AUTH|OXAIGEN|KEYCLOAK|SUPABASE|OIDC|AUTH0|NODE)_[A-Z0-9_]+)"/g,
          )) {
            names.add(match[1] as string);
          }
        }
      }
    };
    walk(import.meta.dirname);
    expect(names.size).toBeGreaterThan(40);
    expect([...names].filter((name) => !ENV_VARS.includes(name as never))).toEqual([]);
  });

  it("a variable's name is written as a string once, in its row: the code names rows", () => {
    const quoted: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/(?<!\.test)\.ts$/.test(entry.name) && entry.name !== "settingsTable.ts") {
          // Code only: doc comments may show names, and messages quote them in their prose.
          const code = readFileSync(path, "utf8").replace(/^\s*(\/\/|\/\*\*|\*).*$/gm, "");
          for (const match of code.matchAll(
            /["'`]((?:AUTH|OXAIGEN|KEYCLOAK|SUPABASE|OIDC|NODE)[A-Z0-9_]*)["'`]/g,
          )) {
            quoted.push(`${entry.name}: ${match[1]}`);
          }
        }
      }
    };
    walk(import.meta.dirname);
    expect(quoted).toEqual([]);
  });
});
