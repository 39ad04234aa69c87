import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../../scripts/testing/startRedis.mjs";
import { makeUser } from "../../test/fakeValidator.js";
import { InvalidTokenError } from "../kernel/errors.js";
import type { FleetEvent } from "../kernel/fleetEvents.js";
import type { Verification } from "../kernel/types.js";
import { withClaims } from "../kernel/user.js";
import { FleetCache, tokenHashOf } from "./FleetCache.js";

const TTLS = { ttlMs: 30_000, negativeTtlMs: 5_000, revocationTtlMs: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** A JWT-like verification: claims carry sub, sid, jti and iat. */
function jwtVerification(sub: string, sid: string, jti: string, iatSeconds: number): Verification {
  const user = withClaims(makeUser(sub), { sub, sid, jti, iat: iatSeconds });
  return { user, expiresAt: Date.now() + 60_000 };
}

interface Instance {
  fleet: FleetCache;
  events: FleetEvent[];
  resyncs: number;
  logs: string[];
}

describe("FleetCache on a real Redis", () => {
  let redis: RedisUnderTest;
  const instances: Instance[] = [];
  let prefixCounter = 0;
  let prefix = "";

  async function instance(options: { timeoutMs?: number } = {}): Promise<Instance> {
    const logs: string[] = [];
    const fleet = await FleetCache.open(
      // A loaded CI machine can exceed the 50 ms default; the bound has its own test below.
      { url: redis.url, prefix, singleFlightWaitMs: 1000, timeoutMs: 1000, ...options },
      TTLS,
      { warn: (m) => logs.push(m) },
    );
    const made: Instance = { fleet, events: [], resyncs: 0, logs };
    fleet.onEvent((event) => made.events.push(event));
    fleet.onResync(() => {
      made.resyncs += 1;
    });
    instances.push(made);
    await until(() => fleet.link.isReady && made.resyncs > 0);
    return made;
  }

  async function admin() {
    const client = createClient({ url: redis.url });
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    for (const { fleet } of instances.splice(0)) await fleet.close();
    prefix = `t${++prefixCounter}:`;
  });

  afterAll(async () => {
    await redis.close();
  });

  function counter(verification: Verification | (() => Verification), delayMs = 0) {
    const call = async () => {
      call.calls += 1;
      if (delayMs > 0) await sleep(delayMs);
      return typeof verification === "function" ? verification() : verification;
    };
    call.calls = 0;
    return call;
  }

  it("shares a validated user: a second instance makes no upstream call", async () => {
    const [a, b] = [await instance(), await instance()];
    const call = counter({ user: makeUser("alice") });
    const first = await a.fleet.verify("key-1", tokenHashOf("t1"), call);
    expect(first.verification.user.id).toBe("alice");
    await until(async () => (await b.fleet.store.read("key-1")) !== undefined);
    const second = await b.fleet.verify("key-1", tokenHashOf("t1"), call);
    expect(second.verification.user.id).toBe("alice");
    expect(call.calls).toBe(1);
  });

  it("a shared entry brings the raw claims back to another instance, still not enumerable", async () => {
    const [a, b] = [await instance(), await instance()];
    const call = counter(jwtVerification("carl", "sid-c", "jti-c", 1));
    await a.fleet.verify("key-c", tokenHashOf("tc"), call);
    await until(async () => (await b.fleet.store.read("key-c")) !== undefined);
    const shared = await b.fleet.store.read("key-c");
    if (shared?.kind !== "user") throw new Error("expected a shared user");
    const { user } = shared.verification;
    // What revocation (sid, jti, iat) and the claim guards read on the second instance…
    expect(user.claims).toEqual({ sub: "carl", sid: "sid-c", jti: "jti-c", iat: 1 });
    // …without the claims becoming part of what the app serialises.
    expect(Object.keys(user)).not.toContain("claims");
    expect(JSON.stringify(user)).not.toContain("sid-c");
    expect(call.calls).toBe(1);
  });

  it("shares negative answers (an invalid token is refused by the next instance without a call)", async () => {
    const [a, b] = [await instance(), await instance()];
    const call = async () => {
      call.calls += 1;
      throw new InvalidTokenError();
    };
    call.calls = 0;
    await expect(a.fleet.verify("bad", tokenHashOf("bad"), call)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await until(async () => (await b.fleet.store.read("bad")) !== undefined);
    await expect(b.fleet.verify("bad", tokenHashOf("bad"), call)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    expect(call.calls).toBe(1);
  });

  it("makes one upstream call for concurrent misses on four instances (fleet single flight)", async () => {
    const fleet = [await instance(), await instance(), await instance(), await instance()];
    const call = counter({ user: makeUser("bob") }, 150);
    const results = await Promise.all(
      fleet.map(({ fleet: f }) => f.verify("key-sf", tokenHashOf("sf"), call)),
    );
    expect(results.map((r) => r.verification.user.id)).toEqual(["bob", "bob", "bob", "bob"]);
    expect(call.calls).toBe(1);
  });

  it("falls back to its own call when the lock holder never answers (bounded wait)", async () => {
    const a = await instance();
    const c = await admin();
    await c.set(`${prefix}lock:${Buffer.from("key-stuck", "latin1").toString("hex")}`, "other", {
      PX: 10_000,
    });
    await c.quit();
    const call = counter({ user: makeUser("carol") });
    const started = Date.now();
    const result = await a.fleet.verify("key-stuck", tokenHashOf("stuck"), call);
    expect(result.verification.user.id).toBe("carol");
    expect(call.calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ["token", { token: "tok-rev" }],
    ["tokenHash", { tokenHash: tokenHashOf("tok-rev") }],
    ["sub", { sub: "dave" }],
    ["sid", { sid: "sid-1" }],
    ["jti", { jti: "jti-1" }],
  ] as const)(
    "revocation by %s reaches every instance and refuses the token",
    async (_name, target) => {
      const [a, b] = [await instance(), await instance()];
      const iat = Math.floor(Date.now() / 1000) - 10;
      const call = counter(jwtVerification("dave", "sid-1", "jti-1", iat));
      await a.fleet.verify("key-r", tokenHashOf("tok-rev"), call);
      await until(async () => (await b.fleet.store.read("key-r")) !== undefined);
      await a.fleet.revoke(target);
      await until(() => b.events.length > 0);
      expect(b.events[0]?.type).toBe("revoke");
      // The shared entry is refused, and so is a fresh upstream answer for the same token.
      await expect(b.fleet.verify("key-r", tokenHashOf("tok-rev"), call)).rejects.toThrow(
        /revoked/,
      );
      const fresh = await instance();
      await expect(fresh.fleet.verify("key-other", tokenHashOf("tok-rev"), call)).rejects.toThrow(
        /revoked/,
      );
    },
  );

  it("a sub revocation does not refuse tokens issued after it (the user signs in again)", async () => {
    const a = await instance();
    await a.fleet.revoke({ sub: "erin" });
    await sleep(5);
    const later = Math.ceil(Date.now() / 1000) + 1;
    const call = counter(jwtVerification("erin", "sid-2", "jti-2", later));
    const ok = await a.fleet.verify("key-new", tokenHashOf("new"), call);
    expect(ok.verification.user.id).toBe("erin");
  });

  it("an instance started after a revocation refuses the token (markers outlive the event)", async () => {
    const a = await instance();
    await a.fleet.revoke({ token: "late" });
    const late = await instance();
    const call = counter({ user: makeUser("frank") });
    await expect(late.fleet.verify("key-late", tokenHashOf("late"), call)).rejects.toThrow(
      /revoked/,
    );
  });

  it("a subscriber cut off while a revocation is published resyncs and refuses the token", async () => {
    const b = await instance();
    const call = counter({ user: makeUser("gina") });
    await b.fleet.verify("key-cut", tokenHashOf("cut"), call);
    const c = await admin();
    const before = b.resyncs;
    // In one transaction: cut every pub/sub connection, then write the marker and publish, so
    // the event is published while the subscriber is certainly away.
    const at = String(Date.now());
    const event = JSON.stringify({
      v: 1,
      type: "revoke",
      tokenHash: tokenHashOf("cut"),
      at: Number(at),
    });
    await c
      .multi()
      .addCommand(["CLIENT", "KILL", "TYPE", "pubsub"])
      .addCommand(["SET", `${prefix}rev:tok:${tokenHashOf("cut")}`, at, "PX", "60000"])
      .addCommand(["PUBLISH", `${prefix}events`, event])
      .exec();
    await c.quit();
    await until(() => b.resyncs >= before + 2);
    expect(b.events).toHaveLength(0);
    await expect(b.fleet.verify("key-cut", tokenHashOf("cut"), call)).rejects.toThrow(/revoked/);
  });

  it("treats garbage in Redis as a miss, never as a user; an unreadable marker refuses", async () => {
    const a = await instance();
    const c = await admin();
    const keyHex = (k: string) => Buffer.from(k, "latin1").toString("hex");
    const garbage = [
      "not json",
      "[]",
      '{"v":1}',
      '{"v":1,"validatedAt":1,"user":{"id":"mallory","isAuthenticated":true}}',
      '{"v":2,"validatedAt":1,"user":{}}',
      JSON.stringify({ v: 1, validatedAt: Date.now(), user: { ...makeUser("m"), roles: "admin" } }),
    ];
    for (const [i, value] of garbage.entries()) {
      await c.set(`${prefix}u:${keyHex(`g${i}`)}`, value);
      const call = counter({ user: makeUser("real") });
      const result = await a.fleet.verify(`g${i}`, tokenHashOf(`g${i}`), call);
      expect(result.verification.user.id).toBe("real");
      expect(call.calls).toBe(1);
    }
    await c.set(`${prefix}rev:tok:${tokenHashOf("marked")}`, "garbage");
    await expect(
      a.fleet.verify("marked", tokenHashOf("marked"), counter({ user: makeUser("x") })),
    ).rejects.toThrow(/revoked/);
    await c.quit();
  });

  it("never waits on a stalled Redis longer than its bound", async () => {
    const a = await instance({ timeoutMs: 50 });
    const c = await admin();
    await c.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
    const started = Date.now();
    const result = await a.fleet.verify(
      "key-p",
      tokenHashOf("p"),
      counter({ user: makeUser("h") }),
    );
    const elapsed = Date.now() - started;
    expect(result.verification.user.id).toBe("h");
    // Nothing could be checked: the pipeline refuses it (or, opted in, accepts it uncached).
    expect(result.checked).toBe(false);
    // read + lock (50 ms each) + first sight + markers (250 ms each: a failed check refuses):
    // 600 ms of bounds, with room for a loaded machine's late timers.
    expect(elapsed).toBeLessThan(1500);
    await c.sendCommand(["CLIENT", "UNPAUSE"]);
    await c.quit();
  });

  it("Redis SIGKILLed mid-run: keeps answering, logs the outage once, refuses what it revoked, recovers", async () => {
    const [a, b] = [await instance(), await instance()];
    await redis.kill();
    const call = counter({ user: makeUser("ivan") });
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const r = await a.fleet.verify(`down-${i}`, tokenHashOf(`down-${i}`), call);
      expect(r.verification.user.id).toBe("ivan");
      expect(Date.now() - started).toBeLessThan(200);
    }
    await until(() => a.logs.length > 0);
    expect(a.logs.filter((m) => m.includes("unreachable"))).toHaveLength(1);
    // Revoking while Redis is down still refuses here at once, and says it could not tell the fleet.
    await expect(a.fleet.revoke({ token: "down-0" })).rejects.toThrow();
    await expect(a.fleet.verify("down-0", tokenHashOf("down-0"), call)).rejects.toThrow(/revoked/);
    await redis.restart();
    // Both connections of b reconnect with backoff on their own: wait for its subscriber too.
    await until(() => a.fleet.link.isReady && b.fleet.link.isReady, 10_000);
    await until(() => b.fleet.link.isSubscribed, 10_000);
    await until(() => a.logs.some((m) => m.includes("reachable again")), 5000);
    await a.fleet.revoke({ sub: "ivan" });
    await until(() => b.events.length > 0);
    expect(b.events.at(-1)).toMatchObject({ type: "revoke", sub: "ivan" });
  }, 30_000);
});
