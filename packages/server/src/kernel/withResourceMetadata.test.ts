import { describe, expect, it } from "vitest";
import { DpopError } from "./DpopError.js";
import {
  CsrfRejectedError,
  InvalidTokenError,
  PermissionDeniedError,
  UnauthenticatedError,
} from "./errors.js";
import { withResourceMetadata } from "./withResourceMetadata.js";

const URL = "https://api.example.com/.well-known/oauth-protected-resource/mcp";

describe("withResourceMetadata", () => {
  it("adds resource_metadata to each kind of Bearer challenge", () => {
    expect(withResourceMetadata(new UnauthenticatedError(), URL).headers).toEqual({
      "WWW-Authenticate": `Bearer resource_metadata="${URL}"`,
    });
    expect(withResourceMetadata(new InvalidTokenError(), URL).headers["WWW-Authenticate"]).toBe(
      `Bearer error="invalid_token", resource_metadata="${URL}"`,
    );
    expect(
      withResourceMetadata(new PermissionDeniedError("a b"), URL).headers["WWW-Authenticate"],
    ).toBe(`Bearer error="insufficient_scope", scope="a b", resource_metadata="${URL}"`);
  });

  it("returns a copy of the same class and leaves the error (which caches share) untouched", () => {
    const error = new InvalidTokenError("expired");
    const copy = withResourceMetadata(error, URL);
    expect(copy).not.toBe(error);
    expect(copy).toBeInstanceOf(InvalidTokenError);
    expect(copy).toMatchObject({ code: "invalid_token", status: 401, message: "expired" });
    expect(error.headers["WWW-Authenticate"]).toBe('Bearer error="invalid_token"');
    // Twice over the same cached error: one parameter, never two.
    expect(withResourceMetadata(error, URL).headers["WWW-Authenticate"]).toBe(
      copy.headers["WWW-Authenticate"],
    );
  });

  it("a DPoP challenge (RFC 9449) names the metadata too", () => {
    const error = new DpopError("invalid_dpop_proof", "stale", ["ES256"]);
    expect(withResourceMetadata(error, URL).headers["WWW-Authenticate"]).toBe(
      `DPoP error="invalid_dpop_proof", error_description="stale", algs="ES256", resource_metadata="${URL}"`,
    );
  });

  it("an error without a challenge comes back as it is", () => {
    const error = new CsrfRejectedError();
    expect(withResourceMetadata(error, URL)).toBe(error);
  });
});
