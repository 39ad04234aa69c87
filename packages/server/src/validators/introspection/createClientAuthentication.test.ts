import { generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../kernel/errors.js";
import { createClientAuthentication } from "./createClientAuthentication.js";

describe("createClientAuthentication", () => {
  it("client_secret_basic form-encodes each part before Base64 (RFC 6749 §2.3.1)", async () => {
    const auth = createClientAuthentication({ clientId: "api:1", clientSecret: "s p+é%" });
    const { headers, params } = await auth("https://id.example/");
    expect(params).toEqual({});
    const decoded = Buffer.from(headers.authorization!.slice(6), "base64").toString("utf8");
    expect(decoded).toBe("api%3A1:s+p%2B%C3%A9%25");
  });

  it("client_secret_post puts both in the form", async () => {
    const auth = createClientAuthentication({
      clientId: "api",
      clientSecret: "secret",
      method: "client_secret_post",
    });
    expect(await auth("x")).toEqual({
      headers: {},
      params: { client_id: "api", client_secret: "secret" },
    });
  });

  it("private_key_jwt signs a short-lived, single-use assertion for the audience (JWK key)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: "k1" };
    const auth = createClientAuthentication({ clientId: "api", privateKey: JSON.stringify(jwk) });
    const first = await auth("https://id.example/");
    const second = await auth("https://id.example/");
    const assertion = first.params.client_assertion!;
    expect(first.params.client_assertion_type).toBe(
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: "ES256", kid: "k1" });
    const key = await importJWK(publicKey.export({ format: "jwk" }) as never, "ES256");
    const { payload } = await jwtVerify(assertion, key, { audience: "https://id.example/" });
    expect(payload).toMatchObject({ iss: "api", sub: "api" });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
    expect(decodeJwt(second.params.client_assertion!).jti).not.toBe(payload.jti);
  });

  it.each([
    ["no client id", { clientId: "", clientSecret: "s" }],
    ["no secret", { clientId: "api" }],
    [
      "private_key_jwt without a key",
      { clientId: "api", clientSecret: "s", method: "private_key_jwt" as const },
    ],
    ["a public JWK", { clientId: "api", privateKey: '{"kty":"EC","crv":"P-256","x":"a","y":"b"}' }],
    ["neither PEM nor JWK", { clientId: "api", privateKey: "not a key" }],
  ])("refuses %s at start-up, naming the setting", (_what, credentials) => {
    expect(() => createClientAuthentication(credentials)).toThrow(ConfigurationError);
  });
});
