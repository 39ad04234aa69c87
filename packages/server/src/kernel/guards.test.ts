import { describe, expect, it } from "vitest";
import {
  requireBinding,
  requireInternal,
  requireRole,
  requireScope,
} from "../bindings/node/index.js";
import { createAuth } from "../config/createAuth.js";
import type { AdapterClaims } from "../validators/adapters/AuthAdapter.js";
import { createAdapterValidator } from "../validators/adapters/createAdapterValidator.js";
import type { Auth } from "./Auth.js";
import { ConfigurationError } from "./errors.js";
import { appOnlyClientId } from "./guards/internalGuard.js";
import type { User } from "./user.js";

/** An Auth whose tokens are JSON claims (a custom adapter), so each test states its claims. */
function authFor(toUser?: (claims: Record<string, unknown>) => Partial<User>): Auth {
  const validator = createAdapterValidator("test", {
    validateToken: async (token) => {
      const claims = JSON.parse(Buffer.from(token, "base64url").toString()) as Record<
        string,
        unknown
      >;
      return {
        userId: claims.sub as string,
        roles: claims.roles as string[],
        scopes: claims.scopes as string[],
        rawClaims: claims,
      } satisfies AdapterClaims;
    },
  });
  if (toUser !== undefined) {
    const verify = validator.verify.bind(validator);
    validator.verify = async (token, ctx) => {
      const result = await verify(token, ctx);
      return {
        ...result,
        user: { ...result.user, ...toUser(result.user.claims as Record<string, unknown>) },
      };
    };
  }
  return createAuth({ env: {}, validator, logger: { warn() {} } });
}

const bearer = (claims: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(claims)).toString("base64url");
const req = (claims: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Request("http://api.test/", {
    headers: { authorization: `Bearer ${bearer(claims)}`, ...headers },
  });

describe("appOnlyClientId", () => {
  it.each([
    ["oidc-provider client credentials", { sub: "svc", client_id: "svc" }, "svc"],
    [
      "Auth0 client credentials",
      { sub: "abc@clients", azp: "abc", gty: "client-credentials" },
      "abc",
    ],
    [
      "Azure app token",
      { sub: "sp-oid", oid: "sp-oid", tid: "t-1", azp: "app-1", roles: ["Task.All"] },
      "app-1",
    ],
    ["Azure idtyp=app", { sub: "x", azp: "app-1", idtyp: "app" }, "app-1"],
    [
      "Keycloak service account",
      { sub: "uuid", azp: "worker", preferred_username: "service-account-worker" },
      "worker",
    ],
    ["Okta", { sub: "0oa1", cid: "0oa1" }, "0oa1"],
  ])("recognises %s", (_name, claims, client) => {
    expect(appOnlyClientId(claims)).toBe(client);
  });

  it.each([
    ["a user token issued to a client", { sub: "user-1", azp: "svc" }],
    ["an Azure user token", { sub: "pairwise", oid: "user-oid", azp: "app-1", scp: "User.Read" }],
    ["no client at all", { sub: "svc" }],
    // User-controllable shapes that used to pass: a session marker always means a user.
    [
      "a Keycloak user named service-account-<client>",
      {
        sub: "3f1c",
        azp: "svc",
        preferred_username: "service-account-svc",
        sid: "s-1",
        session_state: "s-1",
      },
    ],
    ["a user whose sub equals the client id (auth_time)", { sub: "svc", azp: "svc", auth_time: 1 }],
    ["a user whose sub equals the client id (nonce)", { sub: "svc", client_id: "svc", nonce: "n" }],
    [
      "an Auth0 client-credentials shape with a session",
      { sub: "a@clients", azp: "a", gty: "client-credentials", sid: "s" },
    ],
    ["an Okta user whose login is the client id", { sub: "0oa1", cid: "0oa1", uid: "00u1" }],
    [
      "an Azure user token with app roles",
      { sub: "u", oid: "u", tid: "t", azp: "app-1", roles: ["R"], scp: "User.Read" },
    ],
    ["roles without scp outside Azure (no tid)", { sub: "u", azp: "svc", roles: ["admin"] }],
    ["Auth0's <id>@clients without gty", { sub: "abc@clients", azp: "abc" }],
    ["a non-string client", { sub: "svc", client_id: ["svc"] }],
  ])("refuses %s", (_name, claims) => {
    expect(appOnlyClientId(claims as Record<string, unknown>)).toBeUndefined();
  });
});

describe("guards (core logic, through the node checkers)", () => {
  const auth = authFor();
  const o = { auth };

  it("validate names and options when the route is declared", () => {
    expect(() => requireRole('ad"min', o)).toThrow(ConfigurationError);
    expect(() => requireScope([], o)).toThrow(ConfigurationError);
    expect(() => requireScope("a b", o)).toThrow(ConfigurationError);
    expect(() => requireInternal({ allowedClients: [], ...o })).toThrow(/allowed client/);
    expect(() => requireBinding({}, o)).toThrow(/at least one/);
    expect(() => requireBinding({ appId: { header: "X-App" } }, o)).toThrow(/lower-case/);
    expect(() => requireBinding({ appId: { claim: "__proto__.x" } }, o)).toThrow(/claim path/);
  });

  it("requireScope with several scopes needs all of them", async () => {
    const check = requireScope(["a", "b"], o);
    await expect(check(req({ sub: "u", scopes: ["a", "b"] }))).resolves.toMatchObject({ id: "u" });
    await expect(check(req({ sub: "u", scopes: ["a"] }))).rejects.toMatchObject({ status: 403 });
  });

  it("requireScope's challenge names every scope the route needs, not only the missing one", async () => {
    // A client that re-authorizes with `scope` (an MCP scope challenge) must get a token that passes.
    const error = await requireScope(
      ["a", "b"],
      o,
    )(req({ sub: "u", scopes: ["a"] })).catch((e) => e);
    expect(error.headers["WWW-Authenticate"]).toBe(
      'Bearer error="insufficient_scope", scope="a b"',
    );
    expect(error.message).toMatch(/Missing scope b:/);
  });

  it("requireBinding: a missing value is a 400 that names where to send it", async () => {
    const check = requireBinding({ appId: true }, o);
    const error = await check(req({ sub: "u", app_id: "a" }), { appId: "" }).catch((e) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/:appId/);
    const headerOnly = requireBinding({ appId: { param: false, header: "x-app-id" } }, o);
    const noHeader = await headerOnly(req({ sub: "u", app_id: "a" })).catch((e) => e);
    expect(noHeader).toMatchObject({ status: 400 });
    expect((noHeader as Error).message).toMatch(/x-app-id header/);
    await expect(
      headerOnly(req({ sub: "u", app_id: "a" }, { "x-app-id": "a" })),
    ).resolves.toBeDefined();
    await expect(
      headerOnly(req({ sub: "u", app_id: "a" }, { "x-app-id": "b" })),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("requireBinding: a route without the parameter fails closed, never trusting the header", async () => {
    const check = requireBinding({ appId: true }, o);
    const claims = { sub: "u", app_id: "mine" };
    // The guard mounted where the route param is invisible (app.use): the attacker's own app id
    // in the header must not stand in for the victim's app id in the path.
    for (const params of [undefined, {}, Object.create({ appId: "mine" })]) {
      const error = await check(req(claims, { "x-app-id": "mine" }), params).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ status: 500 });
      expect((error as Error).message).toMatch(
        /Mount requireBinding on the route that declares :appId/,
      );
    }
    // Even an optional binding refuses a route that lacks the parameter.
    const optional = requireBinding({ appId: { optional: true } }, o);
    await expect(optional(req(claims), {})).rejects.toBeInstanceOf(ConfigurationError);
    await expect(optional(req(claims), { appId: "" })).resolves.toBeDefined();
    // The default sources ignore headers: the path is authoritative.
    await expect(
      check(req(claims, { "x-app-id": "other" }), { appId: "mine" }),
    ).resolves.toBeDefined();
  });

  it("requireBinding: optional values, custom params, opted-in headers and claim paths", async () => {
    const check = requireBinding(
      { workspace: { param: "ws", header: "x-tenant", claim: "org.id", optional: true } },
      o,
    );
    const claims = { sub: "u", org: { id: "t1" } };
    await expect(check(req(claims), { ws: "" })).resolves.toBeDefined();
    await expect(check(req(claims), { ws: "t1" })).resolves.toBeDefined();
    await expect(check(req(claims), { ws: "t2" })).rejects.toMatchObject({ status: 403 });
    await expect(check(req(claims, { "x-tenant": "t2" }), { ws: "t1" })).rejects.toMatchObject({
      status: 403,
    });
    await expect(check(req(claims, { "x-tenant": "t1" }), { ws: "t1" })).resolves.toBeDefined();
  });

  it("requireBinding falls back to the user's id and the proxy user's workspace", async () => {
    const proxyLike = authFor(() => ({ workspace: { id: "w1" } }));
    const check = requireBinding({ workspace: true, userId: true }, { auth: proxyLike });
    await expect(
      check(req({ sub: "u1" }), { workspaceId: "w1", userId: "u1" }),
    ).resolves.toBeDefined();
    await expect(
      check(req({ sub: "u1" }), { workspaceId: "w2", userId: "u1" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      check(req({ sub: "u1" }), { workspaceId: "w1", userId: "u2" }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("requireInternal refuses users without claims (proxy mode has no app-only tokens)", async () => {
    const noClaims = authFor(() => ({ claims: undefined }));
    const check = requireInternal({ allowedClients: ["svc"], auth: noClaims });
    await expect(check(req({ sub: "svc", client_id: "svc" }))).rejects.toMatchObject({
      status: 403,
    });
    const withClaims = requireInternal({ allowedClients: ["svc"], ...o });
    await expect(withClaims(req({ sub: "svc", client_id: "svc" }))).resolves.toBeDefined();
  });

  it("guards answer 401 without a token and never see the token in errors", async () => {
    const error = await requireRole(
      "admin",
      o,
    )(new Request("http://api.test/")).catch((e: Error) => e);
    expect(error).toMatchObject({ status: 401 });
    const token = bearer({ sub: "u", roles: [] });
    const denied = await requireRole(
      "admin",
      o,
    )(req({ sub: "u", roles: [] })).catch((e: Error) => e);
    expect(denied).toMatchObject({ status: 403 });
    expect(JSON.stringify(denied)).not.toContain(token);
    expect((denied as Error).message).not.toContain(token);
  });
});
