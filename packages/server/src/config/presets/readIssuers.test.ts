import { describe, expect, it } from "vitest";
import { MultiIssuerValidator } from "../../validators/jwt/MultiIssuerValidator.js";
import { createAuth } from "../createAuth.js";
import { readSettings } from "../readSettings.js";
import { azurePreset } from "./oidc.js";

const quiet = { warn() {} };
const ISSUERS = "https://a.example/,https://b.example/";

describe("many issuers in the settings", () => {
  it("AUTH_ISSUERS alone asks for jwt; each issuer gets AUTH_AUDIENCE and the shared settings", () => {
    const settings = readSettings({
      AUTH_ISSUERS: ISSUERS,
      AUTH_AUDIENCE: "api",
      AUTH_CLOCK_SKEW: "5",
    });
    expect(settings.validator?.detection).toEqual({ provider: "jwt", reason: "AUTH_ISSUERS" });
    const section = settings.validator?.section as {
      issuers: Array<{ issuer: string; audience: string[] }>;
      clockToleranceSeconds: number;
    };
    expect(section.issuers.map((entry) => [entry.issuer, entry.audience])).toEqual([
      ["https://a.example/", ["api"]],
      ["https://b.example/", ["api"]],
    ]);
    expect(section.clockToleranceSeconds).toBe(5);
  });

  it("the shared token rules apply to every issuer (AUTH_REQUIRE_AT_JWT, AUTH_REQUIRED_SCOPE)", () => {
    const section = readSettings({
      AUTH_ISSUERS: ISSUERS,
      AUTH_AUDIENCE: "api",
      AUTH_REQUIRE_AT_JWT: "true",
      AUTH_REQUIRED_SCOPE: "orders",
    }).validator?.section as { issuers: Array<Record<string, unknown>> };
    for (const issuer of section.issuers) {
      expect(issuer).toMatchObject({ requireAccessTokenType: true, requiredScopes: ["orders"] });
    }
  });

  it("the issuers option alone asks for jwt and wins over AUTH_ISSUERS", () => {
    const auth = createAuth({
      env: { AUTH_ISSUERS: "https://env.example/", AUTH_AUDIENCE: "api" },
      issuers: ["https://a.example/"],
      logger: quiet,
    });
    expect(auth.validator).toBeInstanceOf(MultiIssuerValidator);
    expect(auth.validator.identity).toContain("https://a.example/");
    expect(auth.validator.identity).not.toContain("env.example");
  });

  it.each([
    [{ AUTH_ISSUER: "https://a.example/" }, /AUTH_ISSUER is about one issuer/],
    [{ AUTH_JWKS_URL: "https://a.example/jwks" }, /AUTH_JWKS_URL is about one issuer/],
    [{ AUTH_JWT_SECRET: "s".repeat(32) }, /AUTH_JWT_SECRET is about one issuer/],
    [{ AUTH_VERIFY_ISSUER: "false" }, /AUTH_VERIFY_ISSUER=false contradicts/],
    [{ AUTH_AUDIENCE: undefined }, /Set AUTH_AUDIENCE/],
    [{ AUTH_PROVIDER: "supabase" }, /AUTH_PROVIDER=supabase takes one issuer/],
  ])("refuses %o next to AUTH_ISSUERS", (extra, message) => {
    expect(() =>
      readSettings({ AUTH_PROVIDER: "jwt", AUTH_ISSUERS: ISSUERS, AUTH_AUDIENCE: "api", ...extra }),
    ).toThrow(message);
  });

  it("the issuers option needs a JWT provider", () => {
    expect(() =>
      readSettings({ AUTH_PROVIDER: "proxy" }, { issuers: ["https://a.example/"] }),
    ).toThrow(/need local JWT validation, not AUTH_PROVIDER=proxy/);
  });

  it("Azure AD's {tenantid} issuers take Microsoft's common keys", () => {
    expect(
      azurePreset.forIssuer?.("https://login.microsoftonline.com/{tenantid}/v2.0", []),
    ).toMatchObject({
      jwksUrl: "https://login.microsoftonline.com/common/discovery/v2.0/keys",
      claims: { userId: [["oid"], ["sub"]] },
    });
    expect(azurePreset.forIssuer?.("https://sts.windows.net/{tenantid}/", [])).toMatchObject({
      jwksUrl: "https://login.microsoftonline.com/common/discovery/keys",
    });
    expect(
      azurePreset.forIssuer?.("https://login.microsoftonline.com/x/v2.0", []),
    ).not.toHaveProperty("jwksUrl");
  });
});
