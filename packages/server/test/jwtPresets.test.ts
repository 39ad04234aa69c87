import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPresetValidator } from "../src/config/presets/createPresetValidator.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";

const ctx = { header: () => undefined };
const quiet = { warn() {} };
let rsa: FixtureKey;
let ec: FixtureKey;

beforeAll(async () => {
  rsa = await makeKey("RS256", "kc-1");
  ec = await makeKey("ES256", "sb-1");
});

describe("Keycloak preset", () => {
  let idp: FakeIdp;
  beforeAll(async () => {
    idp = await startFakeIdp([rsa], "/realms/main");
  });
  afterAll(() => idp.close());

  const env = () => ({
    KEYCLOAK_URL: idp.issuer.replace("/realms/main", "/"),
    KEYCLOAK_REALM: "main",
    KEYCLOAK_CLIENT_ID: "my-app",
  });

  it("validates via {KEYCLOAK_URL}/realms/{realm}, realm + client roles, azp as audience", async () => {
    const v = createPresetValidator("keycloak", env(), quiet);
    const token = await signToken(rsa, {
      iss: idp.issuer,
      aud: "account",
      azp: "my-app",
      preferred_username: "kc-user",
      realm_access: { roles: ["offline_access", "admin"] },
      resource_access: { "my-app": { roles: ["editor"] }, account: { roles: ["manage-account"] } },
      scope: "openid profile",
    });
    const { user } = await v.verify(token, ctx);
    expect(user).toMatchObject({ provider: "keycloak", userName: "kc-user" });
    expect(user.roles).toEqual(["offline_access", "admin", "editor"]);
    expect(user.roles).not.toContain("manage-account");
    expect(idp.hits.discovery).toBe(0); // the preset knows the certs URL
    expect(idp.hits.jwks).toBe(1);
  });

  it("refuses tokens for another client", async () => {
    const v = createPresetValidator("keycloak", env(), quiet);
    const token = await signToken(rsa, { iss: idp.issuer, aud: "account", azp: "other-app" });
    await expect(v.verify(token, ctx)).rejects.toMatchObject({ status: 401 });
  });

  it("needs a client id for the audience check unless switched off", () => {
    const { KEYCLOAK_CLIENT_ID: _, ...noClient } = env();
    expect(() => createPresetValidator("keycloak", noClient, quiet)).toThrow(/KEYCLOAK_CLIENT_ID/);
    expect(() =>
      createPresetValidator("keycloak", { ...noClient, AUTH_VERIFY_AUDIENCE: "false" }, quiet),
    ).not.toThrow();
  });
});

describe("Supabase preset", () => {
  let idp: FakeIdp;
  const secret = "super-secret-jwt-token-with-at-least-32-characters-long";
  beforeAll(async () => {
    idp = await startFakeIdp([ec], "/auth/v1");
  });
  afterAll(() => idp.close());
  const url = () => idp.issuer.replace("/auth/v1", "");

  const hs256 = (claims: Record<string, unknown>, key = secret) =>
    new SignJWT({ iss: idp.issuer, aud: "authenticated", sub: "sb-user", ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(key));

  it("accepts ES256 tokens from its JWKS with aud=authenticated", async () => {
    const v = createPresetValidator("supabase", { SUPABASE_URL: url() }, quiet);
    const token = await signToken(ec, {
      iss: idp.issuer,
      aud: "authenticated",
      role: "authenticated",
      email: "s@x.io",
      app_metadata: { roles: ["admin"] },
      user_metadata: { full_name: "Sue Base" },
    });
    const { user } = await v.verify(token, ctx);
    expect(user).toMatchObject({ provider: "supabase", email: "s@x.io", name: "Sue Base" });
    expect(user.roles).toEqual(["admin", "authenticated"]);
  });

  it("accepts legacy HS256 only when SUPABASE_JWT_SECRET is set", async () => {
    const token = await hs256({ role: "authenticated" });
    const without = createPresetValidator("supabase", { SUPABASE_URL: url() }, quiet);
    await expect(without.verify(token, ctx)).rejects.toMatchObject({ status: 401 });
    const withSecret = createPresetValidator(
      "supabase",
      { SUPABASE_URL: url(), SUPABASE_JWT_SECRET: secret },
      quiet,
    );
    await expect(withSecret.verify(token, ctx)).resolves.toMatchObject({
      user: { id: "sb-user" },
    });
    const forged = await hs256({}, "x".repeat(60));
    await expect(withSecret.verify(forged, ctx)).rejects.toMatchObject({ status: 401 });
    const anonAud = await hs256({ aud: "anon" });
    await expect(withSecret.verify(anonAud, ctx)).rejects.toMatchObject({ status: 401 });
  });
});

describe("Auth0, Azure, Okta, Authentik (generic OIDC with discovery)", () => {
  let idp: FakeIdp;
  beforeAll(async () => {
    idp = await startFakeIdp([rsa], "/tenant");
  });
  afterAll(() => idp.close());

  it("Auth0: permissions array and a namespaced roles claim", async () => {
    const v = createPresetValidator(
      "auth0",
      {
        AUTH_ISSUER: idp.issuer,
        AUTH_AUDIENCE: "https://api.example.com",
        AUTH_ROLES_CLAIM: "https://example.com/roles",
      },
      quiet,
    );
    const token = await signToken(rsa, {
      iss: idp.issuer,
      aud: ["https://api.example.com", `${idp.issuer}/userinfo`],
      permissions: ["read:reports", "write:reports"],
      "https://example.com/roles": ["manager"],
      scope: "openid profile",
    });
    const verification = await v.verify(token, ctx);
    const { user } = verification;
    // The list holds permissions only; the role still grants requirePermission("manager").
    expect(user.permissions).toEqual(["read:reports", "write:reports"]);
    expect(user.roles).toEqual(["manager"]);
    expect(await v.hasPermission(token, verification, "manager")).toBe(true);
    expect(await v.hasPermission(token, verification, "openid")).toBe(false);
  });

  it("Auth0: AUTH0_DOMAIN gives the trailing-slash issuer", () => {
    expect(() =>
      createPresetValidator("auth0", { AUTH0_DOMAIN: "t.eu.auth0.com", AUTH_AUDIENCE: "a" }),
    ).not.toThrow();
    expect(() => createPresetValidator("auth0", { AUTH_AUDIENCE: "a" })).toThrow(/AUTH_ISSUER/);
  });

  it("Azure: oid as user id, scp string, app roles", async () => {
    const v = createPresetValidator(
      "azure",
      { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api://app" },
      quiet,
    );
    const token = await signToken(rsa, {
      iss: idp.issuer,
      aud: "api://app",
      sub: "pairwise-sub",
      oid: "object-id",
      scp: "Files.Read User.Read",
      roles: ["Task.Admin"],
      upn: "ann@contoso.com",
    });
    const { user } = await v.verify(token, ctx);
    expect(user).toMatchObject({ id: "object-id", userName: "ann@contoso.com" });
    expect(user.scopes).toEqual(["Files.Read", "User.Read"]);
    expect(user.roles).toEqual(["Task.Admin"]);
  });

  it("Okta: scp array", async () => {
    const v = createPresetValidator(
      "okta",
      { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api://default" },
      quiet,
    );
    const token = await signToken(rsa, {
      iss: idp.issuer,
      aud: "api://default",
      scp: ["openid", "orders:read"],
      cid: "client",
    });
    const { user } = await v.verify(token, ctx);
    expect(user.scopes).toEqual(["openid", "orders:read"]);
    // Scopes are checked with requireScope; they are not permissions unless opted in.
    expect(user.permissions).not.toContain("orders:read");
  });

  it("Authentik: trailing-slash OIDC_ISSUER, OIDC_CLIENT_ID audience, groups as roles", async () => {
    const authentik = await startFakeIdp([rsa], "/application/o/app/");
    try {
      const v = createPresetValidator(
        "authentik",
        { OIDC_ISSUER: authentik.issuer, OIDC_CLIENT_ID: "abc" },
        quiet,
      );
      const token = await signToken(rsa, { iss: authentik.issuer, aud: "abc", groups: ["staff"] });
      const { user } = await v.verify(token, ctx);
      expect(user.roles).toEqual(["staff"]);
      expect(authentik.hits.discovery).toBe(1);
      expect(() =>
        createPresetValidator("authentik", { OIDC_ISSUER: authentik.issuer.slice(0, -1) }),
      ).toThrow(/end with a slash/);
    } finally {
      await authentik.close();
    }
  });
});

describe("settings from the environment", () => {
  const base = { AUTH_ISSUER: "https://id.example.com/", AUTH_AUDIENCE: "api" };

  it("names the variable for every invalid value", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ AUTH_CLOCK_SKEW: "abc" }, /AUTH_CLOCK_SKEW/],
      [{ AUTH_CLOCK_SKEW: "-5" }, /AUTH_CLOCK_SKEW/],
      [{ AUTH_SCOPES_FORMAT: "csv" }, /AUTH_SCOPES_FORMAT/],
      [{ AUTH_ROLES_CLAIM: "a..b" }, /AUTH_ROLES_CLAIM|claims\.roles/],
      [{ AUTH_ALGORITHMS: "HS256" }, /AUTH_JWT_SECRET/],
      [{ AUTH_ALGORITHMS: "RS1" }, /AUTH_ALGORITHMS/],
      [{ AUTH_PERMISSION_SOURCES: "groups" }, /AUTH_PERMISSION_SOURCES/],
      [{ AUTH_JWKS_COOLDOWN_SECONDS: "0" }, /AUTH_JWKS_COOLDOWN_SECONDS/],
      [{ AUTH_ISSUER: "id.example.com" }, /AUTH_ISSUER/],
      [{ AUTH_JWKS_URL: "ftp://x/jwks" }, /AUTH_JWKS_URL/],
      [{ OIDC_ISSUER: "https://other/" }, /AUTH_ISSUER and OIDC_ISSUER/],
      [{ AUTH_VERIFY_ISSUER: "perhaps" }, /AUTH_VERIFY_ISSUER/],
      [{ AUTH_JWT_SECRET: "short" }, /32 bytes/],
    ];
    for (const [extra, message] of cases) {
      expect(
        () => createPresetValidator("jwt", { ...base, ...extra }),
        JSON.stringify(extra),
      ).toThrow(message);
    }
    expect(() => createPresetValidator("jwt", { AUTH_AUDIENCE: "api" })).toThrow(/AUTH_ISSUER/);
    expect(() => createPresetValidator("jwt", { AUTH_ISSUER: base.AUTH_ISSUER })).toThrow(
      /AUTH_AUDIENCE/,
    );
    expect(() => createPresetValidator("nope", base)).toThrow(/not a JWT preset/);
    expect(() => createPresetValidator("keycloak", { KEYCLOAK_URL: "kc" })).toThrow(/KEYCLOAK_URL/);
  });

  it("AUTH_CLOCK_SKEW changes the tolerance", async () => {
    const idp = await startFakeIdp([rsa]);
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = await signToken(rsa, { iss: idp.issuer, aud: "api", exp: now - 30 });
      const env = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api" };
      await expect(createPresetValidator("jwt", env).verify(token, ctx)).resolves.toBeDefined();
      const strict = createPresetValidator("jwt", { ...env, AUTH_CLOCK_SKEW: "0" });
      await expect(strict.verify(token, ctx)).rejects.toMatchObject({ status: 401 });
    } finally {
      await idp.close();
    }
  });

  it("AUTH_REQUIRED_SCOPE and AUTH_MAX_TOKEN_BYTES are applied", async () => {
    const idp = await startFakeIdp([rsa]);
    try {
      const env = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api" };
      const token = await signToken(rsa, { iss: idp.issuer, aud: "api", scope: "read" });
      const scoped = createPresetValidator("jwt", { ...env, AUTH_REQUIRED_SCOPE: "write" });
      await expect(scoped.verify(token, ctx)).rejects.toMatchObject({ status: 401 });
      const small = createPresetValidator("jwt", { ...env, AUTH_MAX_TOKEN_BYTES: "1024" });
      const big = await signToken(rsa, { iss: idp.issuer, aud: "api", pad: "x".repeat(1200) });
      await expect(small.verify(big, ctx)).rejects.toThrow(/longer than 1024/);
    } finally {
      await idp.close();
    }
  });
});
