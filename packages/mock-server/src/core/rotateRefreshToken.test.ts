import { afterEach, describe, expect, it, vi } from "vitest";
import { type Rotation, rotateRefreshToken } from "./rotateRefreshToken.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("rotateRefreshToken", () => {
  it("keeps the successor's plain value in memory for the reuse interval only", () => {
    vi.useFakeTimers();
    const record: Rotation = { rotated: null };
    const first = rotateRefreshToken(record, Date.now, 10);
    expect(first?.isNew).toBe(true);
    vi.advanceTimersByTime(9_999);
    expect(rotateRefreshToken(record, Date.now, 10)).toEqual({
      refreshToken: first?.refreshToken,
      isNew: false,
    });
    vi.advanceTimersByTime(1);
    expect(record.rotated?.successor).toBeNull();
    expect(rotateRefreshToken(record, Date.now, 10)).toBeNull();
  });

  it("with the interval at 0 it keeps no successor, and any repeat is reuse", () => {
    const record: Rotation = { rotated: null };
    expect(rotateRefreshToken(record, Date.now, 0)?.isNew).toBe(true);
    expect(record.rotated?.successor).toBeNull();
    expect(rotateRefreshToken(record, Date.now, 0)).toBeNull();
  });
});
