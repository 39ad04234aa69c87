import { describe, expect, it } from "vitest";
import { InvalidRequestError, InvalidTokenError } from "./errors.js";
import { extractBearerToken, isWellFormedToken, readCookie } from "./extractBearerToken.js";

const COOKIE = "OxaigenPlatformAuthAccessToken";

describe("extractBearerToken", () => {
  it("reads the Bearer header, scheme case-insensitive", () => {
    expect(extractBearerToken({ authorization: "Bearer abc.def" })).toBe("abc.def");
    expect(extractBearerToken({ authorization: "bearer abc" })).toBe("abc");
    expect(extractBearerToken({ authorization: "BEARER   abc" })).toBe("abc");
  });

  it("prefers the header over the cookie", () => {
    const headers = { authorization: "Bearer from-header", cookie: `${COOKIE}=from-cookie` };
    expect(extractBearerToken(headers)).toBe("from-header");
  });

  it("falls back to the access cookie, and to a custom cookie name", () => {
    expect(extractBearerToken({ cookie: `a=1; ${COOKIE}=tok; b=2` })).toBe("tok");
    expect(extractBearerToken({ cookie: `${COOKIE}="quoted"` })).toBe("quoted");
    expect(extractBearerToken({ cookie: "mine=tok2" }, { cookieName: "mine" })).toBe("tok2");
    expect(extractBearerToken({ cookie: `x${COOKIE}=nope` })).toBeNull();
  });

  it("returns null when nothing is sent (or the cookie is empty)", () => {
    expect(extractBearerToken({})).toBeNull();
    expect(extractBearerToken({ cookie: `${COOKIE}=` })).toBeNull();
  });

  it("throws invalid_token for a present but malformed Authorization header", () => {
    for (const authorization of ["Basic abc", "Bearer", "Bearer ", "Bearer a b", "Token x"]) {
      expect(() => extractBearerToken({ authorization }), authorization).toThrow(InvalidTokenError);
    }
  });

  it("throws invalid_request (400) for several Authorization values", () => {
    const headers = new Headers({ authorization: "Bearer first" });
    headers.append("authorization", "Bearer second"); // a Web Request joins them with ", "
    expect(() => extractBearerToken(headers)).toThrow(InvalidRequestError);
    expect(() => extractBearerToken({ authorization: "Bearer a,Bearer b" })).toThrow(
      InvalidRequestError,
    );
  });

  it("accepts Web Headers and Request objects", () => {
    const request = new Request("http://x/", { headers: { authorization: "Bearer web" } });
    expect(extractBearerToken(request)).toBe("web");
    expect(extractBearerToken(new Headers({ cookie: `${COOKIE}=c` }))).toBe("c");
  });
});

describe("readCookie / isWellFormedToken", () => {
  it("takes the first occurrence", () => {
    expect(readCookie("a=1; a=2", "a")).toBe("1");
  });

  it("refuses characters that could break a header and oversized tokens", () => {
    expect(isWellFormedToken("eyJ.abc-_~+/=")).toBe(true);
    expect(isWellFormedToken("a\r\nx: y")).toBe(false);
    expect(isWellFormedToken('a"b')).toBe(false);
    expect(isWellFormedToken("x".repeat(16_385))).toBe(false);
  });
});
