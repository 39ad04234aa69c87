import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../kernel/errors.js";
import type { SettingsOptions } from "../kernel/settings.js";
import type { Env } from "./env.js";
import { resolveProxySettings } from "./resolveProxySettings.js";
import { readSettingsSection } from "./settingsTable.js";

const resolveSettings = (env: Env, options: SettingsOptions = {}) =>
  readSettingsSection(env, "shared", options);

describe("readSettingsSection: the shared and proxy sections", () => {
  it("has the documented defaults (same as the Python SDK)", () => {
    expect(resolveSettings({})).toEqual({
      accessTokenCookieName: "OxaigenPlatformAuthAccessToken",
      cacheTtlSeconds: 30,
      negativeCacheTtlSeconds: 5,
      cacheMaxEntries: 1024,
      wsAllowQueryToken: false,
      allowedOrigins: [],
    });
    expect(resolveProxySettings({})).toEqual({
      proxyUrlOverride: undefined,
      proxyScheme: "https",
      devMode: false,
      devProxyUrl: "http://127.0.0.1:8765",
      allowedHosts: undefined,
      trustForwardedHost: true,
      proxyTimeoutSeconds: 5,
    });
  });

  it("reads env vars, and typed options win over them", () => {
    const env = {
      OXAIGEN_AUTH_CACHE_TTL_SECONDS: "10",
      OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME: "Custom",
      AUTH_WS_ALLOW_QUERY_TOKEN: "false",
    };
    expect(resolveSettings(env)).toMatchObject({
      cacheTtlSeconds: 10,
      accessTokenCookieName: "Custom",
      wsAllowQueryToken: false,
    });
    expect(resolveSettings(env, { cacheTtlSeconds: 3 }).cacheTtlSeconds).toBe(3);
    const proxy = resolveProxySettings({
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.example.com/",
      OXAIGEN_AUTH_DEV_MODE: "1",
      OXAIGEN_AUTH_ALLOWED_HOSTS: " App.example.com , *.example.com ",
      OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS: "2.5",
    });
    expect(proxy).toMatchObject({
      proxyUrlOverride: "https://auth.example.com",
      devMode: true,
      allowedHosts: ["app.example.com", "*.example.com"],
      proxyTimeoutSeconds: 2.5,
    });
  });

  it.each([
    ["OXAIGEN_AUTH_CACHE_TTL_SECONDS", "thirty"],
    ["OXAIGEN_AUTH_CACHE_TTL_SECONDS", "-1"],
    ["OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS", "5s"],
    ["OXAIGEN_AUTH_CACHE_MAX_ENTRIES", "1.5"],
    ["OXAIGEN_AUTH_CACHE_MAX_ENTRIES", "0"],
    ["OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME", "bad name;"],
    ["AUTH_WS_ALLOW_QUERY_TOKEN", "maybe"],
  ])("fails at start-up naming %s for %j", (name, value) => {
    expect(() => resolveSettings({ [name]: value })).toThrow(ConfigurationError);
    expect(() => resolveSettings({ [name]: value })).toThrow(name);
  });

  it.each([
    ["OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS", "-1"],
    ["OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS", "0"],
    ["OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS", "soon"],
    ["OXAIGEN_AUTH_PROXY_SCHEME", "ftp"],
    ["OXAIGEN_AUTH_PROXY_URL_OVERRIDE", "not a url"],
    ["OXAIGEN_AUTH_PROXY_URL_OVERRIDE", "file:///etc/passwd"],
    ["OXAIGEN_AUTH_DEV_PROXY_URL", "http://x/?q=1"],
    ["OXAIGEN_AUTH_DEV_MODE", "sometimes"],
    ["OXAIGEN_AUTH_ALLOWED_HOSTS", " , "],
  ])("proxy settings fail at start-up naming %s for %j", (name, value) => {
    expect(() => resolveProxySettings({ [name]: value })).toThrow(name);
  });

  it("rejects a negative timeout given as a typed option too", () => {
    expect(() => resolveProxySettings({}, { proxyTimeoutSeconds: -2 })).toThrow(
      "OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS",
    );
  });
});

describe("OXAIGEN_AUTH_ALLOWED_ORIGINS", () => {
  it("takes exact http(s) origins, normalised as browsers send them", () => {
    const env = {
      OXAIGEN_AUTH_ALLOWED_ORIGINS: " https://Admin.example.com , http://localhost:5173/ ",
    };
    expect(resolveSettings(env).allowedOrigins).toEqual([
      "https://admin.example.com",
      "http://localhost:5173",
    ]);
    expect(
      resolveSettings({}, { allowedOrigins: ["https://a.example:443"] }).allowedOrigins,
    ).toEqual(["https://a.example"]);
  });

  it.each([
    "*",
    "admin.example.com",
    "https://admin.example.com/app",
    "https://admin.example.com?x=1",
    "https://user@admin.example.com",
    "ftp://admin.example.com",
    "null",
  ])("refuses %s at start-up, naming the variable", (entry) => {
    expect(() => resolveSettings({ OXAIGEN_AUTH_ALLOWED_ORIGINS: entry })).toThrow(
      /OXAIGEN_AUTH_ALLOWED_ORIGINS/,
    );
  });
});
