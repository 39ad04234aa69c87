import { describe, expect, it } from "vitest";
import { createRevokedTokens } from "./RevokedTokens.js";

describe("RevokedTokens", () => {
  it("holds a revocation until the token expires", () => {
    let t = 1_000_000;
    const revoked = createRevokedTokens(10, () => t);
    revoked.add("a", t + 5000);
    expect(revoked.has("a", t - 1000, t + 5000)).toBe(true);
    expect(revoked.has("b", t - 1000, t + 5000)).toBe(false);
    t += 5001;
    expect(revoked.has("a", t - 6000, t)).toBe(false);
  });

  it("a revocation pushed out by a flood still refuses its token (fail closed)", () => {
    let t = 1_000_000;
    const revoked = createRevokedTokens(2, () => t);
    const exp = t + 60_000;
    revoked.add("victim", exp);
    t += 10;
    revoked.add("flood-1", t + 1000);
    revoked.add("flood-2", t + 1000);
    // "victim" was evicted: it is still refused, as is anything issued before and expiring sooner.
    expect(revoked.has("victim", t - 500, exp)).toBe(true);
    expect(revoked.has("unrelated-old", t - 500, exp - 1)).toBe(true);
    // Tokens issued after the eviction, or living longer than what was lost, are unaffected.
    expect(revoked.has("fresh", t + 1, exp)).toBe(false);
    expect(revoked.has("long", t - 500, exp + 1)).toBe(false);
    revoked.clear();
    expect(revoked.has("victim", t - 500, exp)).toBe(false);
  });

  it("expired entries pushed out lose nothing", () => {
    let t = 1_000_000;
    const revoked = createRevokedTokens(1, () => t);
    revoked.add("old", t + 100);
    t += 200;
    revoked.add("new", t + 100);
    expect(revoked.has("other", t - 300, t + 50)).toBe(false);
  });
});
