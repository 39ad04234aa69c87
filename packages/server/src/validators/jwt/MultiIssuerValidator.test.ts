import { describe, expect, it } from "vitest";
import { IssuerTemplate } from "./IssuerTemplate.js";
import { MultiIssuerValidator } from "./MultiIssuerValidator.js";
import { unverifiedIssuer } from "./unverifiedIssuer.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jws = (payload: unknown) => `${b64({ alg: "RS256" })}.${b64(payload)}.c2ln`;
const quiet = { warn() {} };
const A = { issuer: "https://a.example/", audience: "api", jwksUrl: "https://a.example/jwks" };
const B = { issuer: "https://b.example/", audience: "api", jwksUrl: "https://b.example/jwks" };

describe("unverifiedIssuer", () => {
  it("reads iss from a compact JWS, and nothing from anything else", () => {
    expect(unverifiedIssuer(jws({ iss: "https://a.example/" }))).toBe("https://a.example/");
    expect(unverifiedIssuer(jws({ iss: 42 }))).toBeUndefined();
    expect(unverifiedIssuer(jws({ iss: "" }))).toBeUndefined();
    expect(unverifiedIssuer(jws({ iss: `https://${"x".repeat(2048)}` }))).toBeUndefined();
    expect(unverifiedIssuer(jws(["iss"]))).toBeUndefined();
    expect(unverifiedIssuer("opaque-token")).toBeUndefined();
    expect(unverifiedIssuer("a.!!!.c")).toBeUndefined();
    expect(unverifiedIssuer(`${b64({})}.bm90IGpzb24.c2ln`)).toBeUndefined();
  });
});

describe("IssuerTemplate", () => {
  const template = new IssuerTemplate("https://login.microsoftonline.com/{tenantid}/v2.0");
  const tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

  it("matches a GUID in place of {tenantid}, nothing else", () => {
    expect(template.tenantOf(`https://login.microsoftonline.com/${tenant}/v2.0`)).toBe(tenant);
    for (const other of [
      "https://login.microsoftonline.com/common/v2.0",
      `https://login.microsoftonline.com/${tenant}/v2.0/`,
      `https://login.microsoftonline.com/${tenant}/x/v2.0`,
      `https://evil.example/${tenant}/v2.0`,
      `https://login.microsoftonline.comX${tenant}/v2.0`,
    ]) {
      expect(template.tenantOf(other)).toBeUndefined();
    }
  });

  it("needs the placeholder exactly once", () => {
    expect(() => new IssuerTemplate("https://x/{tenantid}/{tenantid}")).toThrow(/exactly once/);
  });
});

describe("MultiIssuerValidator", () => {
  it("declares an identity naming every issuer's settings, in any order", () => {
    const ab = new MultiIssuerValidator({ issuers: [A, B], logger: quiet });
    const ba = new MultiIssuerValidator({ issuers: [B, A], logger: quiet });
    const other = new MultiIssuerValidator({
      issuers: [A, { ...B, audience: "other-api" }],
      logger: quiet,
    });
    expect(ab.identity).toBe(ba.identity);
    expect(ab.identity).toContain("https://b.example/");
    expect(other.identity).not.toBe(ab.identity);
    expect(ab.scope).toBeUndefined();
  });

  it("with a resolver: shares answers only under the app's cacheScope; keys by its headers", () => {
    const resolve = async () => null;
    const alone = new MultiIssuerValidator({ resolver: { resolve }, logger: quiet });
    expect(alone.identity).toBeUndefined();
    const named = new MultiIssuerValidator({
      resolver: { resolve, headers: ["host", "x-tenant"], cacheScope: "tenants-v1" },
      logger: quiet,
    });
    expect(named.identity).toContain("tenants-v1");
    const ctx = (host: string) => ({
      header: (name: string) => (name === "host" ? host : undefined),
    });
    expect(named.scope?.(ctx("a.example"))).not.toBe(named.scope?.(ctx("b.example")));
    const byHost = new MultiIssuerValidator({ resolver: { resolve }, logger: quiet });
    const scopes = ["a.example", "b.example", ""].map((host) => byHost.scope?.(ctx(host)));
    scopes.push(byHost.scope?.({ header: () => undefined }));
    expect(new Set(scopes).size).toBe(4);
  });

  it("refuses settings that cannot be safe", () => {
    expect(() => new MultiIssuerValidator({ issuers: [] })).toThrow(/at least one issuer/);
    expect(() => new MultiIssuerValidator({ issuers: [A, A], logger: quiet })).toThrow(/twice/);
    expect(
      () =>
        new MultiIssuerValidator({
          issuers: [{ ...A, secret: "s".repeat(32) } as typeof A],
          logger: quiet,
        }),
    ).toThrow(/shared secret/);
    expect(
      () =>
        new MultiIssuerValidator({
          issuers: [{ issuer: "https://login.example/{tenantid}/v2.0", audience: "api" }],
        }),
    ).toThrow(/needs its jwksUrl/);
    const resolve = async () => null;
    expect(() => new MultiIssuerValidator({ resolver: { resolve, headers: ["Host"] } })).toThrow(
      /lower case/,
    );
    expect(() => new MultiIssuerValidator({ resolver: { resolve, maxIssuers: 0 } })).toThrow(
      /maxIssuers/,
    );
  });

  it("a resolver answering another issuer's settings is a configuration error, never a pass", async () => {
    const validator = new MultiIssuerValidator({
      resolver: { headers: [], resolve: async () => B },
      logger: quiet,
    });
    const ctx = { header: () => undefined };
    await expect(validator.verify(jws({ iss: A.issuer }), ctx)).rejects.toMatchObject({
      status: 500,
      code: "configuration_error",
    });
    expect(validator.resolvedIssuerCount).toBe(0);
  });

  it("refuses tokens naming no issuer, or too long, with 401", async () => {
    const validator = new MultiIssuerValidator({ issuers: [A], logger: quiet });
    const ctx = { header: () => undefined };
    await expect(validator.verify(jws({ sub: "x" }), ctx)).rejects.toMatchObject({ status: 401 });
    await expect(validator.verify("x".repeat(20_000), ctx)).rejects.toMatchObject({ status: 401 });
  });
});

describe("MultiIssuerValidator and a protected resource (AUTH_RESOURCE)", () => {
  const RESOURCE = "https://mcp.example/mcp";
  const resolver = { resolve: async () => null, cacheScope: "tenants-v1" };

  it("declares the resource, and its identity (the cache key) names it, resolver included", async () => {
    const listed = new MultiIssuerValidator({ issuers: [A], resource: RESOURCE, logger: quiet });
    const other = new MultiIssuerValidator({ issuers: [A], logger: quiet });
    expect(listed.resource).toBe(RESOURCE);
    expect(listed.identity).not.toBe(other.identity);
    const resolved = new MultiIssuerValidator({ resolver, resource: RESOURCE, logger: quiet });
    const unscoped = new MultiIssuerValidator({ resolver, logger: quiet });
    expect(resolved.identity).toContain(RESOURCE);
    expect(resolved.identity).not.toBe(unscoped.identity);
    await Promise.all([listed, other, resolved, unscoped].map((v) => v.close()));
  });

  it("trusts(iss): listed issuers only, the resolver asked for the others", async () => {
    const asked: string[] = [];
    const validator = new MultiIssuerValidator({
      issuers: [A],
      resolver: {
        resolve: async (_request, iss) => {
          asked.push(iss);
          return iss === B.issuer ? B : null;
        },
      },
      logger: quiet,
    });
    const ctx = { header: () => "tenant.example" };
    expect(await validator.trusts(A.issuer, ctx)).toBe(true);
    expect(await validator.trusts(B.issuer, ctx)).toBe(true);
    expect(await validator.trusts("https://evil.example/", ctx)).toBe(false);
    expect(await validator.trusts("", ctx)).toBe(false);
    expect(asked).toEqual([B.issuer, "https://evil.example/"]);
    await validator.close();
  });
});
