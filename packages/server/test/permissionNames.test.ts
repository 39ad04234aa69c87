import { createServer } from "node:http";
import { type MockAuthKit, startMockAuth } from "@org/auth-mock-server/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../src/bindings/express/index.js";
import * as no from "../src/bindings/node/index.js";
import { type Auth, ConfigurationError, createAuth, isPermissionName } from "../src/index.js";
import type { AppUnderTest } from "./bindingSuite.js";
import { listen } from "./listen.js";

// The names providers use: Auth0's `read:messages`, dotted names, URL-shaped scopes (whose `/`
// must travel as one percent-encoded path segment to the proxy's permission endpoint).
const GRANTED = ["read:messages", "orders.write", "https://api.example.com/read", "reports"];
const DENIED = ["reports:read", "https://api.example.com/write"];

function startApp(auth: Auth): Promise<AppUnderTest> {
  const app = express();
  for (const name of [...GRANTED, ...DENIED]) {
    app.get(`/check/${encodeURIComponent(name)}`, ex.requirePermission(name, { auth }), (_q, r) =>
      r.json({ ok: true }),
    );
  }
  return listen(createServer(app));
}

describe.each(["proxy", "jwt"] as const)(
  "permission names with colons, dots, slashes (%s mode)",
  (mode) => {
    let kit: MockAuthKit;
    let auth: Auth;
    let api: AppUnderTest;
    let token: string;

    beforeAll(async () => {
      kit = await startMockAuth({ permissions: GRANTED });
      auth = createAuth({ env: kit.env(mode), logger: { warn() {} } });
      api = await startApp(auth);
      // JWT mode reads the token's `permissions` claim; proxy mode asks the mock's endpoint.
      token = await kit.token({ claims: { permissions: GRANTED } });
    });
    afterAll(async () => {
      await api?.close();
      await auth?.close();
      await kit?.close();
    });

    const get = (name: string) =>
      fetch(`${api.url}/check/${encodeURIComponent(name)}`, {
        headers: { authorization: `Bearer ${token}` },
      });

    it.each(GRANTED)("grants %s over HTTP (200)", async (name) => {
      const res = await get(name);
      expect(res.status, await res.clone().text()).toBe(200);
    });

    it.each(DENIED)("denies %s, not granted (403 naming it in WWW-Authenticate)", async (name) => {
      const res = await get(name);
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toBe(
        `Bearer error="insufficient_scope", scope="${name}"`,
      );
    });
  },
);

describe("permission names the SDK refuses when the route is declared", () => {
  const auth = createAuth({ env: { OXAIGEN_AUTH_DEV_MODE: "1" }, logger: { warn() {} } });
  const refused: [string, unknown][] = [
    ["empty", ""],
    ["a space inside", "reports read"],
    ["whitespace only", "  "],
    ["a newline", "audit\nx"],
    ["a NUL", "audit\u0000"],
    ["a DEL", "audit\u007f"],
    ["a quote (it would break out of WWW-Authenticate's scope)", 'a"b'],
    ["a backslash", "a\\b"],
    ["a non-ASCII letter", "récit"],
    ["an invisible character", "audit\u200b"],
    ["a dot segment", "."],
    ["a double-dot segment (it would walk the proxy's path)", ".."],
    ["129 characters", "a".repeat(129)],
    ["a number", 7],
  ];

  it.each(refused)("refuses %s", (_what, name) => {
    expect(() => ex.requirePermission(name as string, { auth })).toThrow(ConfigurationError);
    expect(() => no.requirePermission(name as string, { auth })).toThrow(
      /Invalid permission name.*e\.g\. "audit", "reports:read"/,
    );
    expect(isPermissionName(name)).toBe(false);
  });

  it("accepts 128 characters and the names providers use", () => {
    for (const name of ["a".repeat(128), "read:messages", "api://orders/Files.Read", "a..b"]) {
      expect(isPermissionName(name)).toBe(true);
      expect(() => ex.requirePermission(name, { auth })).not.toThrow();
    }
  });
});

describe("permission names in the type system", () => {
  it("a literal name the SDK would refuse does not compile (checked by `pnpm typecheck`)", () => {
    const declare = () => {
      // @ts-expect-error a space: not a permission name
      ex.requirePermission("reports read");
      // @ts-expect-error empty
      no.requirePermission("");
      // @ts-expect-error a dot segment
      ex.requirePermission("..");
      // @ts-expect-error a quote
      ex.requirePermission('a"b');
      // @ts-expect-error a control character
      ex.requirePermission("audit\n");
      ex.requirePermission("reports:read");
      ex.requirePermission("https://api.example.com/read");
      const fromConfig: string = "audit";
      ex.requirePermission(fromConfig); // any string: checked when the route is declared
    };
    expect(typeof declare).toBe("function");
  });
});
