import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeValidator, makeUser } from "../../test/fakeValidator.js";
import { createAuth } from "../config/createAuth.js";
import { UpstreamError } from "./errors.js";
import { withClaims } from "./user.js";

const ALICE = "alice-token";
const BOB = "bob-token";
const CAROL = "carol-token";
const users = {
  [ALICE]: makeUser("alice", ["audit"]),
  [BOB]: makeUser("bob"),
  [CAROL]: makeUser("carol"),
};
const req = (token: string | undefined, extra: Record<string, string> = {}) => ({
  headers: token === undefined ? extra : { authorization: `Bearer ${token}`, ...extra },
});

function setup(options: Parameters<typeof createAuth>[0] = {}, scoped = false) {
  const validator = fakeValidator(users, { scoped });
  const auth = createAuth({ env: {}, validator, ...options });
  return { validator, auth };
}

describe("cache pipeline", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("serves a validated token from cache until the TTL expires", async () => {
    const { validator, auth } = setup({ cacheTtlSeconds: 30 });
    expect((await auth.getCurrentUser(req(ALICE))).id).toBe("alice");
    vi.advanceTimersByTime(29_000);
    await auth.getCurrentUser(req(ALICE));
    expect(validator.verifyCalls).toBe(1);
    vi.advanceTimersByTime(1_001);
    await auth.getCurrentUser(req(ALICE));
    expect(validator.verifyCalls).toBe(2);
  });

  it("never serves a result beyond the validator's expiresAt (JWT exp)", async () => {
    const { validator, auth } = setup({ cacheTtlSeconds: 30 });
    validator.expiresAt = Date.now() + 2_000;
    await auth.getCurrentUser(req(ALICE));
    vi.advanceTimersByTime(2_001);
    await auth.getCurrentUser(req(ALICE));
    expect(validator.verifyCalls).toBe(2);
  });

  it("negative-caches invalid tokens for the negative TTL", async () => {
    const { validator, auth } = setup({ negativeCacheTtlSeconds: 5 });
    for (let i = 0; i < 3; i++) {
      await expect(auth.getCurrentUser(req("garbage"))).rejects.toMatchObject({
        code: "invalid_token",
      });
    }
    expect(validator.verifyCalls).toBe(1);
    vi.advanceTimersByTime(5_001);
    await expect(auth.getCurrentUser(req("garbage"))).rejects.toMatchObject({ status: 401 });
    expect(validator.verifyCalls).toBe(2);
  });

  it("never caches upstream failures", async () => {
    const { validator, auth } = setup();
    validator.failWith = new UpstreamError();
    await expect(auth.getCurrentUser(req(ALICE))).rejects.toMatchObject({ status: 502 });
    await expect(auth.getCurrentUser(req(ALICE))).rejects.toMatchObject({ status: 502 });
    expect(validator.verifyCalls).toBe(2);
    validator.failWith = undefined;
    expect((await auth.getCurrentUser(req(ALICE))).id).toBe("alice");
    expect(validator.verifyCalls).toBe(3);
  });

  it("maps a non-AuthError thrown by a validator to 502 upstream_error", async () => {
    const { validator, auth } = setup();
    validator.failWith = new TypeError("socket hang up");
    await expect(auth.getCurrentUser(req(ALICE))).rejects.toMatchObject({
      code: "upstream_error",
      status: 502,
    });
  });

  it("evicts the least recently used entry beyond OXAIGEN_AUTH_CACHE_MAX_ENTRIES", async () => {
    const { validator, auth } = setup({ cacheMaxEntries: 2 });
    await auth.getCurrentUser(req(ALICE));
    await auth.getCurrentUser(req(BOB));
    await auth.getCurrentUser(req(CAROL)); // evicts alice
    expect(validator.verifyCalls).toBe(3);
    await auth.getCurrentUser(req(CAROL));
    await auth.getCurrentUser(req(BOB));
    expect(validator.verifyCalls).toBe(3);
    await auth.getCurrentUser(req(ALICE));
    expect(validator.verifyCalls).toBe(4);
  });

  it("single flight: 100 concurrent requests with one new token → exactly 1 upstream call", async () => {
    const { validator, auth } = setup();
    let open!: () => void;
    validator.gate = new Promise((resolve) => {
      open = resolve;
    });
    const pending = Array.from({ length: 100 }, () => auth.getCurrentUser(req(ALICE)));
    open();
    const results = await Promise.all(pending);
    expect(results.every((user) => user.id === "alice")).toBe(true);
    expect(validator.verifyCalls).toBe(1);
  });

  it("single flight shares failures too, and the next request retries", async () => {
    const { validator, auth } = setup();
    validator.failWith = new UpstreamError();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => auth.getCurrentUser(req(ALICE))),
    );
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(validator.verifyCalls).toBe(1);
    validator.failWith = undefined;
    await auth.getCurrentUser(req(ALICE));
    expect(validator.verifyCalls).toBe(2);
  });

  it("partitions the cache by scope: a token vouched for under one scope is not served for another", async () => {
    const { validator, auth } = setup({}, true);
    await auth.getCurrentUser(req(ALICE, { "x-scope": "host-a" }));
    await auth.getCurrentUser(req(ALICE, { "x-scope": "host-b" }));
    expect(validator.verifyCalls).toBe(2);
    await auth.getCurrentUser(req(ALICE, { "x-scope": "host-a" }));
    expect(validator.verifyCalls).toBe(2);
  });

  it("one validation per request object, shared by authenticate / getCurrentUser / requirePermission", async () => {
    const { validator, auth } = setup({ cacheTtlSeconds: 0 });
    const request = req(ALICE);
    await auth.authenticate(request);
    await auth.getCurrentUser(request);
    await auth.requirePermission("audit")(request);
    expect(validator.verifyCalls).toBe(1);
  });

  it("one validation per frozen request object too (the memo falls back to a WeakMap)", async () => {
    const { validator, auth } = setup({ cacheTtlSeconds: 0 });
    const request = Object.freeze(req(ALICE));
    await auth.authenticate(request);
    await auth.getCurrentUser(request);
    expect(validator.verifyCalls).toBe(1);
  });

  it("a token swapped on the same request is validated again, never served the first token's user", async () => {
    for (const frozen of [false, true]) {
      const { validator, auth } = setup({ cacheTtlSeconds: 0 });
      const headers: Record<string, string> = { authorization: `Bearer ${BOB}` };
      const request = frozen ? Object.freeze({ headers }) : { headers };
      expect((await auth.getCurrentUser(request)).id).toBe("bob");
      headers.authorization = `Bearer ${ALICE}`;
      expect((await auth.getCurrentUser(request)).id).toBe("alice");
      await auth.requirePermission("audit")(request);
      expect(validator.verifyCalls).toBe(2);
    }
  });

  it("caches permission answers (granted and denied), not permission failures", async () => {
    const { validator, auth } = setup();
    const audit = auth.requirePermission("audit");
    await audit(req(ALICE));
    await audit(req(ALICE));
    await expect(audit(req(BOB))).rejects.toMatchObject({ status: 403 });
    await expect(audit(req(BOB))).rejects.toMatchObject({ status: 403 });
    expect(validator.permissionCalls).toBe(2);
    validator.failWith = new UpstreamError();
    const read = auth.requirePermission("read");
    await expect(read(req(ALICE))).rejects.toMatchObject({ status: 502 });
    await expect(read(req(ALICE))).rejects.toMatchObject({ status: 502 });
    expect(validator.permissionCalls).toBe(4);
  });

  it("a 401 from the permission check evicts the cached user and negative-caches the token", async () => {
    const { validator, auth } = setup();
    await auth.getCurrentUser(req(ALICE));
    validator.hasPermission = async () => {
      throw new (await import("./errors.js")).InvalidTokenError();
    };
    await expect(auth.requirePermission("audit")(req(ALICE))).rejects.toMatchObject({
      status: 401,
    });
    await expect(auth.getCurrentUser(req(ALICE))).rejects.toMatchObject({ status: 401 });
    expect(validator.verifyCalls).toBe(1);
  });

  it("answers cached before any revocation by token hash are dropped by the first one; later ones carry the token's hashes", async () => {
    // JWT-like answers (claims with iat): until a revocation by token hash arrives, a miss skips
    // the sha256 of the token's signed part and spelling, which only such a revocation reads.
    const iat = Math.floor(Date.now() / 1000);
    const dave = "dave.token";
    const erin = "erin.token";
    const jwtUsers = {
      [dave]: withClaims(makeUser("dave"), { sub: "dave", iat }),
      [erin]: withClaims(makeUser("erin"), { sub: "erin", iat }),
    };
    const validator = fakeValidator(jwtUsers);
    const auth = createAuth({ env: {}, validator, cacheTtlSeconds: 60 });
    await auth.getCurrentUser(req(dave));
    await auth.getCurrentUser(req(erin));
    await auth.getCurrentUser(req(dave));
    expect(validator.verifyCalls).toBe(2);
    await auth.revoke({ token: dave });
    await expect(auth.getCurrentUser(req(dave))).rejects.toMatchObject({ status: 401 });
    // Erin's answer could not be told apart from Dave's: dropped too, validated again once.
    expect((await auth.getCurrentUser(req(erin))).id).toBe("erin");
    expect(validator.verifyCalls).toBe(4);
    await auth.revoke({ token: "someone.else" });
    expect((await auth.getCurrentUser(req(erin))).id).toBe("erin");
    await expect(auth.getCurrentUser(req(dave))).rejects.toMatchObject({ status: 401 });
    expect(validator.verifyCalls).toBe(4);
  });

  it("cache keys are sha256 hashes, never the token", async () => {
    const { auth } = setup();
    // biome-ignore lint/suspicious/noExplicitAny: reaching into the private pipeline on purpose
    const pipeline = (auth as any).pipeline;
    const key: string = pipeline.keyFor("https://a.example", ALICE);
    // A validator without a declared identity is keyed under "" (and never shares answers).
    expect(auth.validator.identity).toBeUndefined();
    const identity = "";
    const digest = createHash("sha256").update(`${identity}\nhttps://a.example\n${ALICE}`).digest();
    expect(Buffer.from(key, "latin1").equals(digest)).toBe(true);
    expect(key).toHaveLength(32);
    expect(key).not.toContain(ALICE);
    await auth.getCurrentUser(req(ALICE));
    const keys = [...pipeline.users.keys()] as string[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(ALICE);
  });
});
