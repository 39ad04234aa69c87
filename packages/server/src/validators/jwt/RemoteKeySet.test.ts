import { jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPlainTransport } from "#platform";
import {
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signToken,
  startFakeIdp,
} from "../../../test/jwtFixtures.js";
import { fromJoseError } from "../../jose/fromJoseError.js";
import { AuthError } from "../../kernel/errors.js";
import { discoverJwksUrl } from "./discoverJwksUrl.js";
import { RemoteKeySet } from "./RemoteKeySet.js";

const AUD = "api";

let rsa: FixtureKey;
let idp: FakeIdp;
let clock: number;
let warnings: string[];

function validatorFor(
  overrides: Partial<{ cooldownMs: number; maxAgeMs: number; maxStaleMs: number }> = {},
) {
  const limits = {
    transport: createPlainTransport({ timeoutMs: 1000 }),
    timeoutMs: 1000,
    maxBytes: 65_536,
  };
  const keys = new RemoteKeySet({
    cooldownMs: 30_000,
    maxAgeMs: 600_000,
    maxStaleMs: 3_600_000,
    ...overrides,
    fetch: limits,
    now: () => clock,
    resolveUrl: () => discoverJwksUrl(idp.issuer, limits),
    onBackgroundError: (e) => warnings.push(String(e)),
  });
  // The validator's own verify path, with the key set under test plugged in.
  return {
    keys,
    verify: (t: string) =>
      jwtVerify(t, keys.getKey, {
        issuer: idp.issuer,
        audience: AUD,
        algorithms: ["RS256", "ES256"],
      }).catch((e: unknown) => {
        throw fromJoseError(e);
      }),
  };
}

async function failureOf(v: ReturnType<typeof validatorFor>, token: string): Promise<AuthError> {
  try {
    await v.verify(token);
  } catch (e) {
    const error = fromJoseError(e);
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error("expected the token to be refused");
}

async function status(v: ReturnType<typeof validatorFor>, token: string): Promise<number> {
  try {
    await v.verify(token);
    return 200;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).status;
  }
}

beforeEach(async () => {
  rsa ??= await makeKey("RS256", "k1");
  idp = await startFakeIdp([rsa]);
  clock = 1_000_000;
  warnings = [];
});
afterEach(() => idp.close());

const token = (key: FixtureKey = rsa) => signToken(key, { iss: idp.issuer, aud: AUD });

describe("RemoteKeySet", () => {
  it("shares one discovery + one JWKS fetch among concurrent first requests", async () => {
    idp.delayMs = 50;
    const v = validatorFor();
    const t = await token();
    const results = await Promise.all(Array.from({ length: 50 }, () => status(v, t)));
    expect(results.every((s) => s === 200)).toBe(true);
    expect(idp.hits).toEqual({ discovery: 1, jwks: 1 });
  });

  it("a flood of unknown kids causes at most one refetch per cooldown", async () => {
    const v = validatorFor();
    expect(await status(v, await token())).toBe(200);
    expect(idp.hits.jwks).toBe(1);
    const garbage = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        signToken(rsa, { iss: idp.issuer, aud: AUD }, { kid: `junk-${i}` }),
      ),
    );
    // Just after the first fetch: inside the cooldown, no refetch at all.
    const first = await Promise.all(garbage.map((t) => status(v, t)));
    expect(first.every((s) => s === 401)).toBe(true);
    expect(idp.hits.jwks).toBe(1);
    // After the cooldown: the whole flood shares exactly one refetch.
    clock += 30_001;
    const second = await Promise.all(garbage.map((t) => status(v, t)));
    expect(second.every((s) => s === 401)).toBe(true);
    expect(idp.hits.jwks).toBe(2);
    clock += 10_000;
    await Promise.all(garbage.map((t) => status(v, t)));
    expect(idp.hits.jwks).toBe(2);
  });

  it("picks up a rotated key once the cooldown allows a refetch", async () => {
    const v = validatorFor();
    expect(await status(v, await token())).toBe(200);
    const next = await makeKey("ES256", "k2");
    idp.jwks = { keys: [rsa.publicJwk, next.publicJwk] };
    clock += 31_000;
    expect(await status(v, await token(next))).toBe(200);
    expect(idp.hits.jwks).toBe(2);
  });

  it("a key resolved for a kid never outlives its set: a replaced key under that kid takes over", async () => {
    const v = validatorFor();
    // The second verification resolves k1 from a fresh set, and remembers the key.
    expect(await status(v, await token())).toBe(200);
    expect(await status(v, await token())).toBe(200);
    const replacement = await makeKey("RS256", "k1");
    idp.jwks = { keys: [replacement.publicJwk] };
    // Past maxAgeMs: this request is served from the cached set and refreshes it in the background.
    clock += 600_001;
    expect(await status(v, await token())).toBe(200);
    const fresh = await token(replacement);
    const deadline = Date.now() + 5_000;
    while ((await status(v, fresh)) !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(idp.hits.jwks).toBe(2);
    expect(await status(v, await token())).toBe(401);
  });

  it("ignores keys with use=enc and keys carrying private members", async () => {
    const enc = await makeKey("RS256", "enc-key");
    const priv = await makeKey("RS256", "priv-key");
    idp.jwks = {
      keys: [
        { ...enc.publicJwk, use: "enc" },
        { ...priv.publicJwk, d: "AAAA" },
        "garbage",
        rsa.publicJwk,
      ],
    };
    const v = validatorFor();
    expect(await status(v, await token(enc))).toBe(401);
    expect(await status(v, await token(priv))).toBe(401);
    expect(await status(v, await token())).toBe(200);
  });

  it("keeps serving cached keys while the JWKS endpoint is down, for a bounded time", async () => {
    const v = validatorFor({ maxAgeMs: 60_000, maxStaleMs: 600_000 });
    const t = await token();
    expect(await status(v, t)).toBe(200);
    idp.failWith = 503;
    clock += 120_000; // stale: refreshed in the background, the request is served from cache
    expect(await status(v, t)).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(idp.hits.jwks).toBe(2);
    expect(warnings.join("\n")).toMatch(/503/);
    clock += 600_000; // beyond maxStale: no longer trusted → 502, never 401
    expect(await status(v, t)).toBe(502);
    idp.failWith = undefined;
    clock += 6_000;
    expect(await status(v, t)).toBe(200);
  });

  it("JWKS or discovery down at first use → 502 (not 401), without hammering the provider", async () => {
    idp.failWith = 500;
    const v = validatorFor();
    const t = await token();
    const results = await Promise.all(Array.from({ length: 20 }, () => status(v, t)));
    expect(results.every((s) => s === 502)).toBe(true);
    expect(idp.hits.discovery).toBe(1);
    // Within the failure back-off no new attempt is made; the error still says why (server-side).
    const backoff = await v.verify(t).catch((e: AuthError) => e);
    expect(backoff).toMatchObject({ status: 502 });
    expect((backoff as AuthError).message).toMatch(/retrying soon\. Last failure: .*HTTP 500/);
    expect(idp.hits.discovery).toBe(1);
    idp.failWith = undefined;
    clock += 5_001;
    expect(await status(v, t)).toBe(200);
  });

  it("warm() fetches ahead; a failure reaches the next request as it was, then the back-off's", async () => {
    const { keys, verify } = validatorFor();
    await keys.warm();
    expect(idp.hits.discovery).toBe(1);
    expect(idp.hits.jwks).toBe(1);
    await expect(verify(await token())).resolves.toBeDefined();
    expect(idp.hits.jwks).toBe(1);

    idp.failWith = 500;
    const cold = validatorFor();
    await cold.keys.warm();
    const first = await failureOf(cold, await token());
    expect(first).toMatchObject({ status: 502 });
    expect(first.message).toMatch(/^Could not fetch|OpenID discovery document .* HTTP 500/);
    expect(first.message).not.toMatch(/retrying soon/);
    const second = await failureOf(cold, await token());
    expect(second.message).toMatch(/retrying soon\. Last failure: .*HTTP 500/);
    expect(idp.hits.discovery).toBe(2);
  });

  it("an unknown kid while the refetch fails is a 502 (cannot tell), not a 401", async () => {
    const v = validatorFor();
    expect(await status(v, await token())).toBe(200);
    idp.failWith = 503;
    clock += 31_000;
    const unknown = await signToken(await makeKey("RS256", "new"), { iss: idp.issuer, aud: AUD });
    expect(await status(v, unknown)).toBe(502);
    expect(await status(v, await token())).toBe(200);
  });

  it("discovery must name the configured issuer exactly", async () => {
    idp.discoveryOverrides = { issuer: `${idp.issuer}/` };
    const v = validatorFor();
    const error = await v.verify(await token()).catch((e: AuthError) => e);
    expect(error).toMatchObject({ status: 502 });
    expect((error as AuthError).message).toMatch(/does not match|not the configured issuer/);
    expect(idp.hits.jwks).toBe(0);
  });

  it("a discovery document without a usable jwks_uri → 502", async () => {
    idp.discoveryOverrides = { jwks_uri: "javascript:alert(1)" };
    expect(await status(validatorFor(), await token())).toBe(502);
  });

  it("a JWKS that is not a key set → 502", async () => {
    idp.jwks = { keys: "nope" } as never;
    expect(await status(validatorFor(), await token())).toBe(502);
  });
});
