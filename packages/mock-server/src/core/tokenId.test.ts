import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { respellEcdsa, respellLastChar } from "../../test/respell.js";
import { createMockAuth } from "./createMockAuth.js";
import { tokenHash } from "./tokenId.js";

const hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("tokenHash: a token's identity", () => {
  it("a compact JWS is identified by its signing input, the same for every spelling", async () => {
    const mock = createMockAuth();
    const token = await mock.createAccessToken();
    const [header, payload] = token.split(".");
    const expected = hex(`${header}.${payload}`);
    for (const spelling of [token, respellLastChar(token), respellEcdsa(token)]) {
      expect(await tokenHash(spelling)).toBe(expected);
    }
    expect(await tokenHash(await mock.createAccessToken())).not.toBe(expected);
  });

  it("any other token is the sha256 of its UTF-8 bytes", async () => {
    const notJws = [
      "mock-dev-token",
      "opaque.with.dots",
      `${b64({ typ: "JWT" })}.${b64({})}.sig`,
      `${b64({ alg: 256 })}.${b64({})}.sig`,
      `${b64(["alg"])}.${b64({})}.sig`,
      `${b64({ alg: "ES256" })}.${b64({})}.sig.extra`,
      `${b64({ alg: "ES256" })}.pay+load.sig`,
      "ünïcødé",
    ];
    for (const token of notJws) expect(await tokenHash(token), token).toBe(hex(token));
  });

  it("an unsigned JWS (empty signature) is still identified by what it says", async () => {
    const input = `${b64({ alg: "none" })}.${b64({ sub: "x" })}`;
    expect(await tokenHash(`${input}.`)).toBe(hex(input));
  });
});
