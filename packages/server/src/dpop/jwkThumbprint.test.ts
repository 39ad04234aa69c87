import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { jwkThumbprint } from "./jwkThumbprint.js";

describe("jwkThumbprint (RFC 7638)", () => {
  it.each(["ES256", "ES384", "RS256", "EdDSA"])("equals jose's for a %s key", async (alg) => {
    const { publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "ignored", use: "sig" };
    expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk));
  });

  it("refuses symmetric keys and members that are not strings", () => {
    expect(jwkThumbprint({ kty: "oct", k: "c2VjcmV0" })).toBeUndefined();
    expect(jwkThumbprint({ kty: "EC", crv: "P-256", x: 1, y: "y" })).toBeUndefined();
  });
});
