import { describe, expect, it, vi } from "vitest";
import { type ProxyOptions, resolveProxySettings } from "../../config/resolveProxySettings.js";
import { createProxyValidator, UNRESTRICTED_HOST_WARNING } from "./createProxyValidator.js";

function warnings(env: Record<string, string>, options: ProxyOptions = {}): unknown[] {
  const logger = { warn: vi.fn() };
  createProxyValidator(resolveProxySettings(env, options), { logger });
  return logger.warn.mock.calls.map((call) => call[0]);
}

describe("createProxyValidator start-up warning", () => {
  it("warns once, loudly, when any Host may choose the proxy (no allow-list, or *)", () => {
    expect(warnings({})).toEqual([UNRESTRICTED_HOST_WARNING]);
    expect(warnings({ OXAIGEN_AUTH_ALLOWED_HOSTS: "*" })).toEqual([UNRESTRICTED_HOST_WARNING]);
    expect(UNRESTRICTED_HOST_WARNING).toMatch(/NOT SAFE FOR PRODUCTION/);
    expect(UNRESTRICTED_HOST_WARNING).toMatch(/bypass/);
    expect(UNRESTRICTED_HOST_WARNING).toMatch(/OXAIGEN_AUTH_ALLOWED_HOSTS/);
  });

  it("stays quiet with an allow-list, an override or dev mode", () => {
    expect(warnings({ OXAIGEN_AUTH_ALLOWED_HOSTS: "app.example.com" })).toEqual([]);
    expect(warnings({ OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.example.com" })).toEqual([]);
    expect(warnings({ OXAIGEN_AUTH_DEV_MODE: "1" })).toEqual([]);
  });
});
