import { describe, expect, it } from "vitest";
import { OverloadedError } from "./errors.js";
import { UpstreamLimiter } from "./UpstreamLimiter.js";

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("UpstreamLimiter", () => {
  it("runs at most maxConcurrent calls, queues up to maxQueue, answers 503 + Retry-After beyond", async () => {
    const limiter = new UpstreamLimiter({ maxConcurrent: 2, maxQueue: 3, retryAfterSeconds: 2 });
    const g = gate();
    let running = 0;
    let peak = 0;
    const call = async () => {
      running++;
      peak = Math.max(peak, running);
      await g.opened;
      running--;
      return "ok";
    };
    const accepted = Array.from({ length: 5 }, () => limiter.run(call));
    expect(limiter.load).toEqual({ active: 2, queued: 3, queuedKnown: 0 });
    const started = Date.now();
    const refused = limiter.run(call);
    await expect(refused).rejects.toBeInstanceOf(OverloadedError);
    expect(Date.now() - started).toBeLessThan(50);
    const error = (await refused.catch((e: unknown) => e)) as OverloadedError;
    expect(error.status).toBe(503);
    expect(error.code).toBe("overloaded");
    expect(error.headers["Retry-After"]).toBe("2");
    g.open();
    expect(await Promise.all(accepted)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(peak).toBe(2);
    expect(limiter.load).toEqual({ active: 0, queued: 0, queuedKnown: 0 });
  });

  it("frees the slot when a call fails", async () => {
    const limiter = new UpstreamLimiter({ maxConcurrent: 1, maxQueue: 0, retryAfterSeconds: 1 });
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run(async () => 1)).resolves.toBe(1);
  });

  it("keeps a quarter of the slots for known tokens, and wakes the known lane first", async () => {
    const limiter = new UpstreamLimiter({ maxConcurrent: 4, maxQueue: 2, retryAfterSeconds: 1 });
    const g = gate();
    const order: string[] = [];
    const call = (name: string) => async () => {
      await g.opened;
      order.push(name);
      return name;
    };
    // A flood of new tokens takes 3 slots and fills its queue; the 4th slot stays free.
    const flood = Array.from({ length: 5 }, (_, i) => limiter.run(call(`new${i}`), "new"));
    await expect(limiter.run(call("new-over"), "new")).rejects.toBeInstanceOf(OverloadedError);
    expect(limiter.load).toEqual({ active: 3, queued: 2, queuedKnown: 0 });
    // A signed-in user still gets a slot at once, and another waits ahead of the flood.
    const known = limiter.run(call("known0"), "known");
    expect(limiter.load.active).toBe(4);
    const queuedKnown = limiter.run(call("known1"), "known");
    expect(limiter.load.queuedKnown).toBe(1);
    g.open();
    await Promise.all([...flood, known, queuedKnown]);
    expect(order.indexOf("known1")).toBeLessThan(order.indexOf("new3"));
    expect(limiter.load).toEqual({ active: 0, queued: 0, queuedKnown: 0 });
  });
});
