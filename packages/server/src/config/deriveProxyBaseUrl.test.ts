import { describe, expect, it } from "vitest";
import { HostNotAllowedError, InvalidRequestError } from "../kernel/errors.js";
import { deriveProxyBaseUrl } from "./deriveProxyBaseUrl.js";

const req = (headers: Record<string, string>) => ({ headers });

describe("deriveProxyBaseUrl", () => {
  it("override > dev mode > {scheme}://{X-Forwarded-Host or Host}", () => {
    const headers = req({ host: "app.example.com", "x-forwarded-host": "public.example.com" });
    const env = {
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "https://fixed.example.com/",
      OXAIGEN_AUTH_DEV_MODE: "1",
    };
    expect(deriveProxyBaseUrl(headers, { env })).toBe("https://fixed.example.com");
    expect(deriveProxyBaseUrl(headers, { env: { OXAIGEN_AUTH_DEV_MODE: "1" } })).toBe(
      "http://127.0.0.1:8765",
    );
    expect(
      deriveProxyBaseUrl(headers, {
        env: { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: "http://127.0.0.1:9000" },
      }),
    ).toBe("http://127.0.0.1:9000");
    expect(deriveProxyBaseUrl(headers, { env: {} })).toBe("https://public.example.com");
    expect(
      deriveProxyBaseUrl(req({ host: "App.Example.com:8443" }), { env: {}, proxyScheme: "http" }),
    ).toBe("http://app.example.com:8443");
  });

  it("refuses malformed hosts with 400 and hosts off the allow-list with 401", () => {
    expect(() => deriveProxyBaseUrl(req({ host: "u@evil.example" }), { env: {} })).toThrow(
      InvalidRequestError,
    );
    expect(() => deriveProxyBaseUrl(req({}), { env: {} })).toThrow(InvalidRequestError);
    // Malformed IPv6 literals are a 400 here, not a URL that fails later as a 502.
    for (const host of ["[:::]:8080", "[1:2:3:4:5:6:7:8:9]:80"]) {
      expect(() => deriveProxyBaseUrl(req({ host }), { env: {} })).toThrow(InvalidRequestError);
    }
    expect(deriveProxyBaseUrl(req({ host: "[::ffff:127.0.0.1]:80" }), { env: {} })).toBe(
      "https://[::ffff:127.0.0.1]:80",
    );
    expect(() =>
      deriveProxyBaseUrl(req({ host: "tenant.example.com" }), {
        env: { OXAIGEN_AUTH_ALLOWED_HOSTS: "*.example.com" },
      }),
    ).not.toThrow();
    expect(() =>
      deriveProxyBaseUrl(req({ host: "example.com.evil.example" }), {
        env: { OXAIGEN_AUTH_ALLOWED_HOSTS: "*.example.com" },
      }),
    ).toThrow(HostNotAllowedError);
    expect(() =>
      deriveProxyBaseUrl(req({ host: "evil.example" }), { env: {}, allowedHosts: ["app.example"] }),
    ).toThrow(HostNotAllowedError);
  });

  it("trustForwardedHost=false (OXAIGEN_AUTH_TRUST_FORWARDED_HOST) derives from Host only", () => {
    const headers = req({ host: "app.example.com", "x-forwarded-host": "evil.example" });
    expect(deriveProxyBaseUrl(headers, { env: {} })).toBe("https://evil.example");
    expect(deriveProxyBaseUrl(headers, { env: {}, trustForwardedHost: false })).toBe(
      "https://app.example.com",
    );
    for (const value of ["false", "0", "off"]) {
      expect(
        deriveProxyBaseUrl(headers, { env: { OXAIGEN_AUTH_TRUST_FORWARDED_HOST: value } }),
      ).toBe("https://app.example.com");
    }
    // The option wins over the env var, as for every setting.
    expect(
      deriveProxyBaseUrl(headers, {
        env: { OXAIGEN_AUTH_TRUST_FORWARDED_HOST: "false" },
        trustForwardedHost: true,
      }),
    ).toBe("https://evil.example");
    // The allow-list then judges the Host header, whatever X-Forwarded-Host says.
    const allowed = { env: { OXAIGEN_AUTH_ALLOWED_HOSTS: "app.example.com" } };
    expect(() => deriveProxyBaseUrl(headers, allowed)).toThrow(HostNotAllowedError);
    expect(deriveProxyBaseUrl(headers, { ...allowed, trustForwardedHost: false })).toBe(
      "https://app.example.com",
    );
    expect(() =>
      deriveProxyBaseUrl(req({ "x-forwarded-host": "app.example.com" }), {
        env: {},
        trustForwardedHost: false,
      }),
    ).toThrow(InvalidRequestError);
    expect(() =>
      deriveProxyBaseUrl(headers, { env: { OXAIGEN_AUTH_TRUST_FORWARDED_HOST: "maybe" } }),
    ).toThrow(/OXAIGEN_AUTH_TRUST_FORWARDED_HOST/);
  });

  it("works on a Web Request whose Host only lives in the URL", () => {
    const request = new Request("http://api.example.com:3000/x");
    expect(deriveProxyBaseUrl(request, { env: {} })).toBe("https://api.example.com:3000");
  });
});
