import { afterEach, describe, expect, it, vi } from "vitest";
import { UpstreamError } from "../../kernel/errors.js";
import { createFetchTransport } from "../../platform/fetchTransport.js";
import { discoverJwksUrl } from "./discoverJwksUrl.js";

// The fetch transport calls the (stubbed) global fetch.
const LIMITS = {
  transport: createFetchTransport({ timeoutMs: 1000 }, "test"),
  timeoutMs: 1000,
  maxBytes: 65_536,
};
const ISSUER = "https://id.example.com/realms/main";

/** Serves one discovery document from a stubbed fetch (no TLS server needed for an https issuer). */
function discovery(issuer: string, jwksUri: string): void {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => Response.json({ issuer, jwks_uri: jwksUri })),
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("discoverJwksUrl", () => {
  it("returns the jwks_uri of a document naming the configured issuer", async () => {
    discovery(ISSUER, `${ISSUER}/certs`);
    await expect(discoverJwksUrl(ISSUER, LIMITS)).resolves.toBe(`${ISSUER}/certs`);
  });

  it.each([
    "http://id.example.com/realms/main/certs",
    "http://10.0.0.7/certs",
    "http://127.0.0.1.evil.example/certs",
    "http://localhost.evil.example/certs",
    "http://[::ffff:127.0.0.1]/certs",
  ])("an https issuer may not downgrade to the http: jwks_uri %s (502)", async (jwksUri) => {
    discovery(ISSUER, jwksUri);
    const error = await discoverJwksUrl(ISSUER, LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/http: jwks_uri .* issuer is https.*AUTH_JWKS_URL/);
  });

  it.each([
    "http://127.0.0.1:8080/certs",
    "http://127.1:8080/certs",
    "http://localhost:8080/certs",
    "http://keys.localhost/certs",
    "http://[::1]:8080/certs",
  ])("loopback http: jwks_uri %s stays allowed for local development", async (jwksUri) => {
    discovery(ISSUER, jwksUri);
    await expect(discoverJwksUrl(ISSUER, LIMITS)).resolves.toBe(jwksUri);
  });

  it("an http issuer (dev) may use an http jwks_uri", async () => {
    discovery("http://id.test/realms/main", "http://id.test/realms/main/certs");
    await expect(discoverJwksUrl("http://id.test/realms/main", LIMITS)).resolves.toBe(
      "http://id.test/realms/main/certs",
    );
  });
});
