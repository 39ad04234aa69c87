import { describe, expect, it } from "vitest";
import { signedPart } from "./tokenIdentity.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("signedPart", () => {
  it("identifies a JWS by header and payload, whatever the header seen before", () => {
    const header = b64({ alg: "RS256", kid: "k" });
    expect(signedPart(`${header}.${b64({ sub: "a" })}.sig1`)).toBe(
      `${header}.${b64({ sub: "a" })}`,
    );
    // The remembered header answers for itself only: other segments are decoded as before.
    expect(signedPart(`${b64({ typ: "JWT" })}.${b64({ sub: "a" })}.sig`)).toBe(
      `${b64({ typ: "JWT" })}.${b64({ sub: "a" })}.sig`,
    );
    expect(signedPart(`${b64([1])}.x.y`)).toBe(`${b64([1])}.x.y`);
    expect(signedPart(`${header}.${b64({ sub: "b" })}.sig2`)).toBe(
      `${header}.${b64({ sub: "b" })}`,
    );
    expect(signedPart("opaque-token")).toBe("opaque-token");
  });
});
