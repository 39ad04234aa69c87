import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fakeValidator } from "../../test/fakeValidator.js";
import { type StandInProxy, startStandInProxy, userBody } from "../../test/standInProxy.js";
import { ConfigurationError } from "../kernel/errors.js";
import { UNRESTRICTED_HOST_WARNING } from "../validators/proxy/createProxyValidator.js";
import { createAuth } from "./createAuth.js";
import { acloseClient, getDefaultAuth } from "./defaultAuth.js";

const TOKEN = "tok-SENSITIVE-0123456789";

describe("createAuth", () => {
  it("warns once at start-up when the proxy URL comes from unrestricted Host headers", async () => {
    const logger = { warn: vi.fn() };
    const auth = createAuth({ env: {}, logger });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(UNRESTRICTED_HOST_WARNING);
    await auth.getCurrentUserOptional({ headers: { host: "a.example" } });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await auth.close();
  });

  it.each([
    ["an allow-list", { OXAIGEN_AUTH_ALLOWED_HOSTS: "app.example.com" }],
    ["an override", { OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://auth.example.com" }],
    ["dev mode", { OXAIGEN_AUTH_DEV_MODE: "true" }],
  ])("does not warn with %s", async (_name, env) => {
    const logger = { warn: vi.fn() };
    const auth = createAuth({ env, logger });
    expect(logger.warn).not.toHaveBeenCalled();
    await auth.close();
  });

  it("uses a custom validator when given one (no proxy, no warning)", async () => {
    const logger = { warn: vi.fn() };
    const validator = fakeValidator({});
    const auth = createAuth({ env: {}, validator, logger });
    expect(auth.validator).toBe(validator);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("fails at creation on invalid env, naming the variable", () => {
    expect(() => createAuth({ env: { OXAIGEN_AUTH_CACHE_TTL_SECONDS: "abc" } })).toThrow(
      ConfigurationError,
    );
    expect(() => createAuth({ env: { OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS: "-5" } })).toThrow(
      /OXAIGEN_AUTH_PROXY_TIMEOUT_SECONDS/,
    );
  });

  it("reads the env once: later changes do not affect an instance", async () => {
    const env: Record<string, string> = { OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME: "First" };
    const auth = createAuth({ env, validator: fakeValidator({}) });
    env.OXAIGEN_AUTH_ACCESS_TOKEN_COOKIE_NAME = "Second";
    expect(auth.settings.accessTokenCookieName).toBe("First");
  });

  it("the default instance is created lazily from process.env and reset by acloseClient", async () => {
    const first = getDefaultAuth();
    expect(getDefaultAuth()).toBe(first);
    await acloseClient();
    expect(getDefaultAuth()).not.toBe(first);
    await acloseClient();
  });
});

describe("host derivation against a real proxy", () => {
  let proxy: StandInProxy;
  beforeAll(async () => {
    proxy = await startStandInProxy({ [TOKEN]: userBody("u1") });
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    proxy.calls.getMe = 0;
  });

  it("a forged Host with an allow-list gets 401 and causes no outbound call", async () => {
    const port = new URL(proxy.url).port;
    const auth = createAuth({
      env: { OXAIGEN_AUTH_ALLOWED_HOSTS: `127.0.0.1:${port}`, OXAIGEN_AUTH_PROXY_SCHEME: "http" },
    });
    const forged = {
      headers: { authorization: `Bearer ${TOKEN}`, host: `attacker.example:${port}` },
    };
    await expect(auth.getCurrentUser(forged)).rejects.toMatchObject({
      status: 401,
      code: "host_not_allowed",
    });
    expect(await auth.getCurrentUserOptional(forged)).toBeNull();
    expect(proxy.calls.getMe).toBe(0);
    const allowed = { headers: { authorization: `Bearer ${TOKEN}`, host: `127.0.0.1:${port}` } };
    expect((await auth.getCurrentUser(allowed)).id).toBe("u1");
    expect(proxy.calls.getMe).toBe(1);
    await auth.close();
  });

  it("X-Forwarded-Host wins over Host, and a forged one is refused too", async () => {
    const auth = createAuth({ env: {}, allowedHosts: "127.0.0.1", proxyScheme: "http" });
    const port = new URL(proxy.url).port;
    const request = {
      headers: {
        authorization: `Bearer ${TOKEN}`,
        host: `127.0.0.1:${port}`,
        "x-forwarded-host": "evil.example",
      },
    };
    await expect(auth.getCurrentUser(request)).rejects.toMatchObject({ code: "host_not_allowed" });
    expect(proxy.calls.getMe).toBe(0);
    await auth.close();
  });

  it("never writes the token to any log, error message or error body", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    const logger = { warn: vi.fn() };
    const port = new URL(proxy.url).port;
    const auth = createAuth({ env: {}, logger, proxyScheme: "http", proxyTimeoutSeconds: 0.3 });
    const errors: unknown[] = [];
    const attempt = async (token: string, host: string) => {
      const request = { headers: { authorization: `Bearer ${token}`, host } };
      await auth.getCurrentUser(request).catch((e: unknown) => errors.push(e));
    };
    await attempt(`${TOKEN}-bad`, `127.0.0.1:${port}`); // 401
    proxy.mode = "status500";
    await attempt(TOKEN, `127.0.0.1:${port}`); // 502
    proxy.mode = "hang";
    await attempt(`${TOKEN}-slow`, `127.0.0.1:${port}`); // timeout
    proxy.mode = "normal";
    await attempt(`${TOKEN}-x`, "bad host/"); // 400
    await attempt(`${TOKEN}\u0001`, `127.0.0.1:${port}`); // malformed token
    await attempt(TOKEN, "127.0.0.1:1"); // refused connection
    expect(errors).toHaveLength(6);
    const written = [
      ...spies.flatMap((spy) => spy.mock.calls.flat()),
      ...logger.warn.mock.calls.flat(),
      ...errors.map((e) => `${(e as Error).message} ${JSON.stringify(e)} ${String(e)}`),
    ].map(String);
    for (const text of written) expect(text).not.toContain("SENSITIVE");
    for (const spy of spies) spy.mockRestore();
    await auth.close();
  });
});
