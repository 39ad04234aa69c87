import { afterEach, describe, expect, it, vi } from "vitest";
import { OverloadedError, UpstreamError } from "./errors.js";
import { OVERLOAD_LOG_WINDOW_MS, reportServerError } from "./reportServerError.js";

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    logger: { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("reportServerError", () => {
  it("logs each 5xx cause once, never a token", () => {
    const { lines, logger } = recorder();
    const error = new UpstreamError("get-me failed for eyJhbGciOi.eyJzdWIiOi.c2ln");
    reportServerError(logger, error);
    reportServerError(logger, error);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("[redacted]");
    expect(lines[0]).not.toContain("eyJzdWIiOi");
  });

  it("a flood of overload refusals logs one line per window, then how many more there were", () => {
    vi.useFakeTimers();
    const { lines, logger } = recorder();
    for (let i = 0; i < 5000; i++) reportServerError(logger, new OverloadedError(1));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/answered 503 overloaded: .*AUTH_UPSTREAM_MAX_CONCURRENCY/);
    vi.advanceTimersByTime(OVERLOAD_LOG_WINDOW_MS);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("to 4999 more requests");
    // The next flood starts a new window with a full line again.
    reportServerError(logger, new OverloadedError(1));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/answered 503 overloaded: /);
  });

  it("other 5xx errors are not throttled", () => {
    const { lines, logger } = recorder();
    for (let i = 0; i < 3; i++) reportServerError(logger, new UpstreamError(`down ${i}`));
    expect(lines).toHaveLength(3);
  });
});
