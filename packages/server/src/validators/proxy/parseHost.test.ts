import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../kernel/errors.js";
import { HostAllowList } from "./HostAllowList.js";
import { parseHost } from "./parseHost.js";

describe("parseHost", () => {
  it("accepts host, host:port and [ipv6]:port, lower-cased", () => {
    expect(parseHost("App.Example.com")?.host).toBe("app.example.com");
    expect(parseHost("app.example.com:8443")).toMatchObject({
      hostname: "app.example.com",
      port: 8443,
    });
    expect(parseHost("[::1]:3000")?.host).toBe("[::1]:3000");
    expect(parseHost("my_service:8080")?.host).toBe("my_service:8080");
  });

  it.each([
    ["userinfo", "user@evil.example"],
    ["userinfo with password", "a:b@evil.example"],
    ["path", "evil.example/path"],
    ["query", "evil.example?x=1"],
    ["fragment", "evil.example#x"],
    ["backslash", "evil.example\\x"],
    ["CR/LF", "evil.example\r\nx-injected: 1"],
    ["space", "evil example"],
    ["list", "a.example, b.example"],
    ["empty", ""],
    ["empty label", "a..example"],
    ["trailing dot", "a.example."],
    ["port 0", "a.example:0"],
    ["port too large", "a.example:65536"],
    ["non-numeric port", "a.example:http"],
    ["empty port", "a.example:"],
    ["two ports", "a.example:1:2"],
    ["bad ipv6", "[zz::1]"],
    ["ipv6 trailing junk", "[::1]x"],
    ["ipv6 triple colon", "[:::]"],
    ["ipv6 nine groups", "[1:2:3:4:5:6:7:8:9]:80"],
    ["ipv6 two double colons", "[1::2::3]"],
    ["ipv6 group too long", "[12345::1]"],
    ["ipv6 zone id", "[fe80::1%25eth0]"],
    ["label too long", `${"a".repeat(64)}.example`],
  ])("refuses %s", (_name, value) => {
    expect(parseHost(value)).toBeNull();
  });
});

describe("HostAllowList", () => {
  const list = new HostAllowList(["app.example.com", "*.tenants.example.com", "localhost:3000"]);
  const allows = (value: string) => list.allows(parseHost(value)!);

  it("an entry without a port matches the scheme's default port only", () => {
    expect(allows("app.example.com")).toBe(true);
    expect(allows("app.example.com:443")).toBe(true);
    expect(allows("app.example.com:8443")).toBe(false);
    expect(allows("app.example.com:80")).toBe(false);
    expect(allows("acme.tenants.example.com:8443")).toBe(false);
    const http = new HostAllowList(["app.example.com"], "http");
    expect(http.allows(parseHost("app.example.com:80")!)).toBe(true);
    expect(http.allows(parseHost("app.example.com:443")!)).toBe(false);
  });

  it("host:port matches that port, host:* any port", () => {
    expect(allows("localhost:3000")).toBe(true);
    expect(allows("localhost:3001")).toBe(false);
    expect(allows("localhost")).toBe(false);
    const any = new HostAllowList(["localhost:*", "*.example.com:*"]);
    expect(any.allows(parseHost("localhost:3001")!)).toBe(true);
    expect(any.allows(parseHost("localhost")!)).toBe(true);
    expect(any.allows(parseHost("a.example.com:8443")!)).toBe(true);
    expect(any.allows(parseHost("example.com:8443")!)).toBe(false);
  });

  it("wildcards match exactly one label", () => {
    expect(allows("acme.tenants.example.com")).toBe(true);
    expect(allows("tenants.example.com")).toBe(false);
    expect(allows("a.b.tenants.example.com")).toBe(false);
    expect(allows("eviltenants.example.com")).toBe(false);
  });

  it("refuses look-alikes", () => {
    expect(allows("app.example.com.evil.example")).toBe(false);
    expect(allows("evil-app.example.com")).toBe(false);
  });

  it("fails start-up on an invalid entry", () => {
    expect(() => new HostAllowList(["https://app.example.com"])).toThrow(ConfigurationError);
    expect(() => new HostAllowList(["*.[::1]"])).toThrow(/OXAIGEN_AUTH_ALLOWED_HOSTS/);
    expect(() => new HostAllowList(["localhost:80:*"])).toThrow(/host:\*/);
    expect(() => new HostAllowList(["localhost:x"])).toThrow(ConfigurationError);
  });
});
