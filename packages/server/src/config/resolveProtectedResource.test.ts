import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwtModeEnv, makeKey, signToken, startFakeIdp } from "../../test/jwtFixtures.js";
import { ConfigurationError } from "../kernel/errors.js";
import { resourceMetadataPath, resourceMetadataUrl } from "../kernel/protectedResourceMetadata.js";
import { createAuth } from "./createAuth.js";
import { resolveProtectedResource } from "./resolveProtectedResource.js";

const silent = { warn: () => {}, error: () => {} };

describe("resolveProtectedResource", () => {
  it("reads the resource, its authorization servers and scopes from the env; options win", () => {
    const env = {
      AUTH_RESOURCE: "https://api.example.com/mcp",
      AUTH_AUTHORIZATION_SERVERS: "https://id.example.com, https://id2.example.com",
      AUTH_SCOPES_SUPPORTED: "mcp:read mcp:write",
    };
    expect(resolveProtectedResource(env)).toEqual({
      resource: "https://api.example.com/mcp",
      authorizationServers: ["https://id.example.com", "https://id2.example.com"],
      scopesSupported: ["mcp:read", "mcp:write"],
    });
    expect(resolveProtectedResource(env, { scopesSupported: [] })?.scopesSupported).toEqual([]);
    expect(resolveProtectedResource({})).toBeUndefined();
  });

  it.each([
    [
      {
        AUTH_RESOURCE: "http://api.example.com/mcp",
        AUTH_AUTHORIZATION_SERVERS: "https://id.example.com",
      },
      /AUTH_RESOURCE must be an https URL/,
    ],
    [
      {
        AUTH_RESOURCE: "https://api.example.com/mcp#x",
        AUTH_AUTHORIZATION_SERVERS: "https://id.example.com",
      },
      /AUTH_RESOURCE must be an http\(s\) URL without query or fragment/,
    ],
    [{ AUTH_RESOURCE: "https://api.example.com/mcp" }, /AUTH_AUTHORIZATION_SERVERS must list/],
    [
      { AUTH_RESOURCE: "https://api.example.com/mcp", AUTH_AUTHORIZATION_SERVERS: "ftp://id" },
      /AUTH_AUTHORIZATION_SERVERS must be an http\(s\) URL/,
    ],
    [{ AUTH_AUTHORIZATION_SERVERS: "https://id.example.com" }, /set AUTH_RESOURCE/],
    [
      {
        AUTH_RESOURCE: "https://api.example.com/mcp",
        AUTH_AUTHORIZATION_SERVERS: "https://id.example.com",
        AUTH_SCOPES_SUPPORTED: 'a"b',
      },
      /AUTH_SCOPES_SUPPORTED must list OAuth scope names/,
    ],
  ])("refuses %j", (env, message) => {
    expect(() => resolveProtectedResource(env)).toThrow(ConfigurationError);
    expect(() => resolveProtectedResource(env)).toThrow(message);
  });

  it("names the option when the value came from code; plain http is fine on loopback", () => {
    expect(() =>
      resolveProtectedResource({}, { resource: "nope", authorizationServers: [] }),
    ).toThrow(/resource \(the option for AUTH_RESOURCE\)/);
    expect(
      resolveProtectedResource(
        {},
        {
          resource: "http://127.0.0.1:3000/mcp",
          authorizationServers: ["http://localhost:8765"],
        },
      )?.resource,
    ).toBe("http://127.0.0.1:3000/mcp");
  });

  it("announces DPoP in the metadata when the API accepts it (AUTH_DPOP)", () => {
    const env = {
      AUTH_RESOURCE: "https://api.example.com/mcp",
      AUTH_AUTHORIZATION_SERVERS: "https://id.example.com",
    };
    expect(resolveProtectedResource(env, {}, "required")?.dpop).toMatchObject({ required: true });
    expect(resolveProtectedResource(env, {}, "allowed")?.dpop?.required).toBe(false);
    expect(resolveProtectedResource(env, {}, "off")?.dpop).toBeUndefined();
  });

  it("puts the well-known segment before the resource's path (RFC 9728 §3.1)", () => {
    expect(resourceMetadataPath("https://api.example.com")).toBe(
      "/.well-known/oauth-protected-resource",
    );
    expect(resourceMetadataPath("https://api.example.com/")).toBe(
      "/.well-known/oauth-protected-resource",
    );
    expect(resourceMetadataPath("https://api.example.com/v1/mcp")).toBe(
      "/.well-known/oauth-protected-resource/v1/mcp",
    );
    expect(resourceMetadataUrl("https://api.example.com:8443/mcp")).toBe(
      "https://api.example.com:8443/.well-known/oauth-protected-resource/mcp",
    );
  });
});

describe("AUTH_RESOURCE and token audiences", () => {
  it("fails closed: a validator that does not check the resource in aud stops start-up", () => {
    const env = {
      AUTH_RESOURCE: "https://api.example.com/mcp",
      AUTH_AUTHORIZATION_SERVERS: "https://id.example.com",
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: "http://127.0.0.1:9",
    };
    expect(() => createAuth({ env, logger: silent })).toThrow(
      /AUTH_RESOURCE cannot be enforced in proxy mode/,
    );
  });

  describe("JWT mode from the env", () => {
    const RESOURCE = "https://api.example.com/mcp";
    let idp: Awaited<ReturnType<typeof startFakeIdp>>;
    let key: Awaited<ReturnType<typeof makeKey>>;
    beforeAll(async () => {
      key = await makeKey("ES256", "k1");
      idp = await startFakeIdp([key]);
    });
    afterAll(async () => idp?.close());

    const check = async (env: Record<string, string>, aud: unknown) => {
      const auth = createAuth({ env, logger: silent });
      const token = await signToken(key, { iss: idp.issuer, aud });
      const result = await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
      await auth.close();
      return result.user?.id ?? result.error?.message;
    };

    it("the resource is the audience when none is named (jwtModeEnv names none); others fail", async () => {
      const env = jwtModeEnv(idp, {
        AUTH_RESOURCE: RESOURCE,
        AUTH_AUTHORIZATION_SERVERS: idp.issuer,
      });
      expect(await check(env, RESOURCE)).toBe("user-1");
      expect(await check(env, "https://other.example.com/mcp")).toMatch(
        /does not name this resource/,
      );
    });

    it("with AUTH_AUDIENCE too, the token must also name the resource", async () => {
      const env = jwtModeEnv(idp, {
        AUTH_AUDIENCE: "orders-api",
        AUTH_RESOURCE: RESOURCE,
        AUTH_AUTHORIZATION_SERVERS: idp.issuer,
      });
      expect(await check(env, "orders-api")).toMatch(/does not name this resource/);
      expect(await check(env, ["orders-api", RESOURCE])).toBe("user-1");
    });
  });
});
