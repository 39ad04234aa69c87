import { describe, expect, it } from "vitest";
import { DpopNonces } from "./DpopNonces.js";

describe("DpopNonces", () => {
  const secret = "s".repeat(40);

  it("accepts this slot's and the previous slot's nonce, not older ones (rotation)", () => {
    let now = 1_000_000;
    const nonces = new DpopNonces(secret, 60_000, () => now);
    const first = nonces.current();
    expect(nonces.accepts(first)).toBe(true);
    now += 60_000;
    const second = nonces.current();
    expect(second).not.toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    now += 60_000;
    expect(nonces.accepts(first)).toBe(false);
    expect(nonces.accepts(second)).toBe(true);
  });

  it("instances sharing a secret agree; another secret's nonces are refused", () => {
    const now = () => 5_000_000;
    const a = new DpopNonces(secret, 60_000, now);
    const b = new DpopNonces(secret, 60_000, now);
    const other = new DpopNonces("o".repeat(40), 60_000, now);
    expect(b.accepts(a.current())).toBe(true);
    expect(other.accepts(a.current())).toBe(false);
    expect(a.accepts(undefined)).toBe(false);
  });
});
