import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Auth,
  ConfigurationError,
  createAuth,
  createJwtValidator,
  resourceMetadataPath,
} from "../src/index.js";
import type { AppUnderTest, StartApp } from "./bindingSuite.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";

/** This API as a protected resource: an MCP endpoint with a path, so metadata is path-suffixed. */
export const RESOURCE = "https://mcp.example.test/mcp";
/** Where every binding's test app mounts `protectedResourceMetadata()` when asked to. */
export const METADATA_PATH = resourceMetadataPath(RESOURCE);

const METADATA_URL = `https://mcp.example.test${METADATA_PATH}`;
const SCOPES = ["mcp:read", "mcp:write"];
const silent = { warn: () => {}, error: () => {} };

/** The metadata route and the challenges of a protected resource, as every binding serves them. */
export function describeProtectedResource(name: string, startApp: StartApp): void {
  describe(`${name} protected resource (RFC 9728)`, () => {
    let idp: FakeIdp;
    let key: FixtureKey;
    let auth: Auth;
    let app: AppUnderTest;

    beforeAll(async () => {
      key = await makeKey("ES256", "k1");
      idp = await startFakeIdp([key]);
      const validator = createJwtValidator({
        issuer: idp.issuer,
        audience: RESOURCE,
        resource: RESOURCE,
        jwksUrl: idp.jwksUrl,
        logger: silent,
      });
      auth = createAuth({
        env: {},
        validator,
        resource: RESOURCE,
        authorizationServers: [idp.issuer],
        scopesSupported: SCOPES,
        logger: silent,
      });
      app = await startApp(auth, { metadata: true });
    });

    afterAll(async () => {
      await app?.close();
      await auth?.close();
      await idp?.close();
    });

    const call = async (path: string, token?: string) => {
      const res = await fetch(app.url + path, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: res.status, challenge: res.headers.get("www-authenticate"), res };
    };
    const tokenFor = (claims: Record<string, unknown>) =>
      signToken(key, { iss: idp.issuer, aud: RESOURCE, sub: "alice", ...claims });

    it("serves the metadata document at the path-suffixed well-known URL", async () => {
      expect(METADATA_PATH).toBe("/.well-known/oauth-protected-resource/mcp");
      const { status, res } = await call(METADATA_PATH);
      expect(status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(await res.json()).toEqual({
        resource: RESOURCE,
        authorization_servers: [idp.issuer],
        bearer_methods_supported: ["header"],
        scopes_supported: SCOPES,
        // DPoP is accepted by default (AUTH_DPOP=allowed), so the metadata says so.
        dpop_signing_alg_values_supported: expect.arrayContaining(["ES256", "RS256"]),
        dpop_bound_access_tokens_required: false,
      });
    });

    it("every 401 names the metadata in resource_metadata", async () => {
      expect(await call("/me")).toMatchObject({
        status: 401,
        challenge: `Bearer resource_metadata="${METADATA_URL}"`,
      });
      expect(await call("/me", "not-a-jwt")).toMatchObject({
        status: 401,
        challenge: `Bearer error="invalid_token", resource_metadata="${METADATA_URL}"`,
      });
    });

    it("a token minted for another resource is refused; one naming this resource passes", async () => {
      const other = await tokenFor({ aud: "https://other.example.test/mcp" });
      expect(await call("/me", other)).toMatchObject({
        status: 401,
        challenge: `Bearer error="invalid_token", resource_metadata="${METADATA_URL}"`,
      });
      // Several audiences: this resource among them is enough.
      const both = await tokenFor({ aud: ["https://other.example.test/mcp", RESOURCE] });
      expect((await call("/me", both)).status).toBe(200);
      expect((await call("/me", await tokenFor({}))).status).toBe(200);
    });

    it("a refusal for a missing permission is a 403 scope challenge with resource_metadata", async () => {
      const { status, challenge } = await call("/audit", await tokenFor({ scope: "mcp:read" }));
      expect(status).toBe(403);
      expect(challenge).toBe(
        `Bearer error="insufficient_scope", scope="audit", resource_metadata="${METADATA_URL}"`,
      );
    });
  });
}

/** The route helper refuses to be declared without a resource (checked once, binding-free). */
export function expectMetadataNeedsResource(declare: (auth: Auth) => unknown): void {
  const auth = createAuth({ env: {}, proxyUrlOverride: "http://127.0.0.1:9", logger: silent });
  expect(() => declare(auth)).toThrow(ConfigurationError);
  expect(() => declare(auth)).toThrow(/AUTH_RESOURCE/);
}
