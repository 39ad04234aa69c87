import { describe, expect, it } from "vitest";
import { MalformedAnswer, parseIntrospectionAnswer } from "./parseIntrospectionAnswer.js";

describe("parseIntrospectionAnswer", () => {
  it("keeps an active answer's members; an inactive answer carries nothing", () => {
    const answer = parseIntrospectionAnswer(
      JSON.stringify({
        active: true,
        sub: "a",
        scope: "x y",
        aud: ["api"],
        exp: 10,
        cnf: { jkt: "k" },
      }),
    );
    expect(answer).toEqual({
      active: true,
      claims: { active: true, sub: "a", scope: "x y", aud: ["api"], exp: 10, cnf: { jkt: "k" } },
    });
    expect(parseIntrospectionAnswer('{"active":false,"sub":"ignored"}')).toEqual({
      active: false,
      claims: {},
    });
  });

  it.each([
    ["null", "null"],
    ["a number", "1"],
    ["active as a string", '{"active":"false"}'],
    ["sub as a number", '{"active":true,"sub":1}'],
    ["username as an object", '{"active":true,"username":{}}'],
    ["exp as a float", '{"active":true,"exp":1.5}'],
    ["iat as a string", '{"active":true,"iat":"1"}'],
    ["aud with a null", '{"active":true,"aud":["a",null]}'],
    ["too many audiences", JSON.stringify({ active: true, aud: Array(65).fill("a") })],
    ["a long scope", JSON.stringify({ active: true, scope: "s".repeat(8193) })],
    ["cnf as a list", '{"active":true,"cnf":[]}'],
    ["a nested __proto__", '{"active":true,"ext":{"__proto__":{"admin":true}}}'],
    [
      "too many members",
      JSON.stringify(
        Object.fromEntries([
          ["active", true],
          ...Array.from({ length: 300 }, (_, i) => [`m${i}`, i]),
        ]),
      ),
    ],
  ])("refuses %s", (_what, text) => {
    expect(() => parseIntrospectionAnswer(text)).toThrow(MalformedAnswer);
  });
});
