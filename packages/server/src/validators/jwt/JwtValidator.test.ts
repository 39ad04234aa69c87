import { createHmac } from "node:crypto";
import { CompactSign, exportSPKI, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  b64,
  type FakeIdp,
  type FixtureKey,
  makeKey,
  signRawRs256,
  signToken,
  startFakeIdp,
} from "../../../test/jwtFixtures.js";
import { AuthError } from "../../kernel/errors.js";
import { createJwtValidator, JwtValidator } from "./JwtValidator.js";

const ctx = { header: () => undefined };
const AUD = "my-api";

let rsa: FixtureKey;
let ec: FixtureKey;
let idp: FakeIdp;
let validator: JwtValidator;

beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1");
  ec = await makeKey("ES256", "ec-1");
  idp = await startFakeIdp([rsa, ec]);
  validator = new JwtValidator({ issuer: idp.issuer, audience: AUD, logger: { warn() {} } });
});
afterAll(() => idp.close());

const claims = () => ({ iss: idp.issuer, aud: AUD });

async function expectStatus(token: string, status: number, v: JwtValidator = validator) {
  const error = await v.verify(token, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).status).toBe(status);
  // Never echo the token back.
  if (token.length > 8) expect((error as AuthError).message).not.toContain(token);
  return error as AuthError;
}

describe("JwtValidator: valid tokens", () => {
  it("accepts RS256 and ES256 tokens through OIDC discovery and maps the user", async () => {
    for (const key of [rsa, ec]) {
      const token = await signToken(key, { ...claims(), email: "a@example.com", roles: ["admin"] });
      const { user, expiresAt } = await validator.verify(token, ctx);
      expect(user).toMatchObject({
        id: "user-1",
        email: "a@example.com",
        roles: ["admin"],
        provider: "jwt",
        isAuthenticated: true,
        isAnonymous: false,
      });
      expect(user.claims?.iss).toBe(idp.issuer);
      const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp;
      expect(expiresAt).toBe(exp * 1000);
    }
    expect(idp.hits.discovery).toBe(1);
    expect(idp.hits.jwks).toBe(1);
  });

  it("accepts an aud array containing the audience and tolerates 60 s of clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(rsa, { ...claims(), aud: ["other", AUD], exp: now - 30 });
    await expect(validator.verify(token, ctx)).resolves.toBeDefined();
  });

  it("grants permissions from permissions and roles; scopes only when opted in", async () => {
    const token = await signToken(rsa, {
      ...claims(),
      permissions: ["read:x"],
      roles: ["editor"],
      scope: "openid write:y",
    });
    const verification = await validator.verify(token, ctx);
    for (const name of ["read:x", "editor"]) {
      expect(await validator.hasPermission(token, verification, name)).toBe(true);
    }
    expect(await validator.hasPermission(token, verification, "write:y")).toBe(false);
    expect(await validator.hasPermission(token, verification, "admin")).toBe(false);
    const withScopes = new JwtValidator({
      issuer: idp.issuer,
      audience: AUD,
      claims: { permissionSources: ["permissions", "roles", "scopes"] },
      logger: { warn() {} },
    });
    const scoped = await withScopes.verify(token, ctx);
    for (const name of ["read:x", "editor", "write:y"]) {
      expect(await withScopes.hasPermission(token, scoped, name)).toBe(true);
    }
  });
});

describe("JwtValidator: attacks, each → 401", () => {
  it("a signed token that names no user (no sub, or an empty or non-scalar one)", async () => {
    for (const sub of [undefined, "", { id: "u" }]) {
      const token = await signToken(rsa, { ...claims(), sub });
      const error = await expectStatus(token, 401);
      expect(error.message).toMatch(/names no user/);
    }
  });

  it("alg none", async () => {
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims(), exp: 9e9, sub: "x" })}.`;
    await expectStatus(token, 401);
    const withSig = `${b64({ alg: "none" })}.${b64({ ...claims(), exp: 9e9 })}.${b64("x")}`;
    await expectStatus(withSig, 401);
  });

  it("HS256 signed with the RSA public key (algorithm confusion)", async () => {
    const pem = await exportSPKI(
      (await import("node:crypto")).createPublicKey({
        key: rsa.publicJwk as never,
        format: "jwk",
      }) as never,
    );
    const header = b64({ alg: "HS256", kid: rsa.kid, typ: "JWT" });
    const payload = b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 300, sub: "evil" });
    const sig = createHmac("sha256", pem).update(`${header}.${payload}`).digest("base64url");
    const error = await expectStatus(`${header}.${payload}.${sig}`, 401);
    expect(error.code).toBe("invalid_token");
  });

  it("expired, not yet valid, and no exp at all", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await expectStatus(await signToken(rsa, { ...claims(), exp: now - 61 }), 401);
    expect(expired.message).toMatch(/expired/);
    const early = await expectStatus(await signToken(rsa, { ...claims(), nbf: now + 120 }), 401);
    expect(early.message).toMatch(/not yet valid/);
    const noExp = await expectStatus(await signToken(rsa, { ...claims(), exp: undefined }), 401);
    expect(noExp.message).toMatch(/exp/);
  });

  it("wrong issuer, wrong audience, missing audience", async () => {
    await expectStatus(await signToken(rsa, { ...claims(), iss: "https://evil.example" }), 401);
    await expectStatus(await signToken(rsa, { ...claims(), aud: "someone-else" }), 401);
    await expectStatus(await signToken(rsa, { ...claims(), aud: undefined }), 401);
    await expectStatus(await signToken(rsa, { ...claims(), aud: [7] }), 401);
  });

  it("a key rotated under the same kid: once the set is refetched, the old key no longer verifies", async () => {
    const before = await makeKey("RS256", "rotating");
    const after = await makeKey("RS256", "rotating");
    const other = await makeKey("RS256", "other");
    const rotating = await startFakeIdp([before]);
    try {
      const v = new JwtValidator({
        issuer: rotating.issuer,
        audience: AUD,
        jwks: { cooldownMs: 0 },
        logger: { warn() {} },
      });
      const old = await signToken(before, { iss: rotating.issuer, aud: AUD });
      // Twice: the second one reuses the key the header resolved to.
      await v.verify(old, ctx);
      await v.verify(await signToken(before, { iss: rotating.issuer, aud: AUD, sub: "b" }), ctx);
      rotating.jwks = { keys: [after.publicJwk, other.publicJwk] };
      // An unknown kid makes the validator fetch the new set.
      await v.verify(await signToken(other, { iss: rotating.issuer, aud: AUD }), ctx);
      await expectStatus(old, 401, v);
      expect(
        (await v.verify(await signToken(after, { iss: rotating.issuer, aud: AUD }), ctx)).user.id,
      ).toBe("user-1");
    } finally {
      await rotating.close();
    }
  });

  it("a token signed by a key the provider never published", async () => {
    const rogue = await makeKey("RS256", rsa.kid);
    await expectStatus(await signToken(rogue, claims()), 401);
  });

  it("non-string kid, crit header", async () => {
    await expectStatus(await signToken(rsa, claims(), { kid: 42 }), 401);
    await expectStatus(await signToken(rsa, claims(), { kid: ["rsa-1"] }), 401);
    const payload = { ...claims(), sub: "u", exp: Math.floor(Date.now() / 1000) + 300 };
    const header = { alg: "RS256", kid: rsa.kid, crit: ["x-custom"], "x-custom": 1 };
    await expectStatus(signRawRs256(rsa, header, payload), 401);
    // Sanity: the same hand-signed token without crit is accepted, so the 401 is crit's doing.
    const { crit: _crit, ...plain } = header;
    await expect(validator.verify(signRawRs256(rsa, plain, payload), ctx)).resolves.toBeDefined();
  });

  it("ignores embedded jwk / jku / x5u headers (an attacker's key is never used)", async () => {
    const attacker = await makeKey("RS256", "attacker");
    for (const header of [
      { jwk: attacker.publicJwk, kid: "attacker" },
      { jku: `${idp.issuer}/evil-jwks`, kid: "attacker" },
      { x5u: "https://evil.example/cert.pem", kid: "attacker" },
      { jwk: attacker.publicJwk, kid: undefined },
    ]) {
      await expectStatus(await signToken(attacker, claims(), header), 401);
    }
  });

  it("malformed segments", async () => {
    const good = await signToken(rsa, claims());
    const [h, p, s] = good.split(".") as [string, string, string];
    for (const token of [
      "",
      "abc",
      `${h}.${p}`,
      `${h}.${p}.${s}.extra`,
      `${h}..${s}`,
      `${h}.${p}.`,
      `${h}.${p}.${s}=`,
      `${h}.${p}.${s.slice(0, -4)}`,
      `${b64("not json")}.${p}.${s}`,
      `${b64([1, 2])}.${p}.${s}`,
      `${h}.${p}!.${s}`,
      `${h} .${p}.${s}`,
      "ä.b.c",
    ]) {
      await expectStatus(token, 401);
    }
  });

  it("non-JSON and non-object payloads, even when correctly signed", async () => {
    for (const payload of ["not json", "[1,2,3]", "42", "null", '"string"']) {
      const token = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: "RS256", kid: rsa.kid })
        .sign(rsa.privateKey);
      await expectStatus(token, 401);
    }
  });

  it("__proto__ keys: refused, and Object.prototype stays clean", async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const raw = `{"iss":${JSON.stringify(idp.issuer)},"aud":"${AUD}","exp":${exp},"sub":"u","__proto__":{"polluted":true,"roles":["admin"]}}`;
    const signed = await new CompactSign(new TextEncoder().encode(raw))
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid })
      .sign(rsa.privateKey);
    await expectStatus(signed, 401);
    const nested = raw.replace('"sub":"u"', '"sub":"u","realm_access":{"__proto__":{"x":1}}');
    const signedNested = await new CompactSign(new TextEncoder().encode(nested))
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid })
      .sign(rsa.privateKey);
    await expectStatus(signedNested, 401);
    // Forged (unsigned) variant: same answer.
    const [h, , s] = signed.split(".") as [string, string, string];
    await expectStatus(`${h}.${b64(raw)}.${s}`, 401);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).roles).toBeUndefined();
  });

  it("oversized token is refused before parsing (no key fetch)", async () => {
    const fresh = await startFakeIdp([rsa]);
    try {
      const v = new JwtValidator({ issuer: fresh.issuer, audience: AUD });
      const big = await signToken(rsa, { iss: fresh.issuer, aud: AUD, pad: "x".repeat(17_000) });
      const error = await expectStatus(big, 401, v);
      expect(error.message).toMatch(/longer than 16384/);
      expect(fresh.hits.discovery + fresh.hits.jwks).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("an algorithm outside AUTH_ALGORITHMS, even with a published key", async () => {
    const narrowed = new JwtValidator({ issuer: idp.issuer, audience: AUD, algorithms: ["ES256"] });
    await expectStatus(await signToken(rsa, claims()), 401, narrowed);
    await expect(narrowed.verify(await signToken(ec, claims()), ctx)).resolves.toBeDefined();
  });

  it("a token missing AUTH_REQUIRED_SCOPE", async () => {
    const scoped = new JwtValidator({
      issuer: idp.issuer,
      audience: AUD,
      requiredScopes: ["api.access"],
    });
    const error = await expectStatus(
      await signToken(rsa, { ...claims(), scope: "openid" }),
      401,
      scoped,
    );
    expect(error.message).toMatch(/api\.access/);
    const ok = await signToken(rsa, { ...claims(), scp: ["api.access"] });
    await expect(scoped.verify(ok, ctx)).resolves.toBeDefined();
  });
});

describe("JwtValidator: token types", () => {
  it("refuses Keycloak ID and refresh tokens (typ claim) but accepts Bearer ones", async () => {
    for (const typ of ["ID", "Refresh"]) {
      const error = await expectStatus(await signToken(rsa, { ...claims(), typ }), 401);
      expect(error.message).toMatch(/not an access token/);
    }
    await expect(
      validator.verify(await signToken(rsa, { ...claims(), typ: "Bearer" }), ctx),
    ).resolves.toBeDefined();
  });

  it("warns when keys would be fetched over plain HTTP from a non-loopback host", () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    createJwtValidator({ issuer: "http://id.example.com/", audience: AUD, logger });
    expect(warnings.join()).toMatch(/plain HTTP \(http:\/\/id\.example\.com\)/);
    warnings.length = 0;
    createJwtValidator({ issuer: "https://id.example.com/", audience: AUD, logger });
    createJwtValidator({ issuer: "http://127.0.0.1:9/", audience: AUD, logger });
    expect(warnings).toEqual([]);
  });

  it("refuses at start-up an http AUTH_JWKS_URL under an https issuer (loopback stays open)", () => {
    const issuer = "https://id.example.com/";
    const logger = { warn: () => {} };
    expect(() =>
      createJwtValidator({ issuer, audience: AUD, jwksUrl: "http://id.example.com/certs", logger }),
    ).toThrow(/AUTH_JWKS_URL is plain http \(http:\/\/id\.example\.com\).*issuer is https/);
    for (const jwksUrl of ["https://id.example.com/certs", "http://127.0.0.1:9/certs"]) {
      expect(() => createJwtValidator({ issuer, audience: AUD, jwksUrl, logger })).not.toThrow();
    }
  });
});

describe("JwtValidator: HS256 needs an explicit secret", () => {
  const secret = "s".repeat(32);
  const hs = (key: string, extra: Record<string, unknown> = {}) =>
    new SignJWT({ iss: idp.issuer, aud: AUD, sub: "u", ...extra })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(key));

  it("is refused without a secret", async () => {
    await expectStatus(await hs(secret), 401);
  });

  it("works with the configured secret only", async () => {
    const withSecret = new JwtValidator({ issuer: idp.issuer, audience: AUD, secret });
    await expect(withSecret.verify(await hs(secret), ctx)).resolves.toBeDefined();
    await expectStatus(await hs("t".repeat(32)), 401, withSecret);
  });

  it("rejects short secrets and HS algorithms without a secret at start-up", () => {
    expect(() =>
      createJwtValidator({ issuer: idp.issuer, audience: AUD, secret: "short" }),
    ).toThrow(/at least 32 bytes/);
    expect(() =>
      createJwtValidator({ issuer: idp.issuer, audience: AUD, algorithms: ["HS256"] }),
    ).toThrow(/AUTH_JWT_SECRET/);
    expect(() =>
      createJwtValidator({ issuer: idp.issuer, audience: AUD, algorithms: ["none"] }),
    ).toThrow(/not supported/);
  });
});

describe("JwtValidator: configuration", () => {
  it("requires issuer and audience unless switched off explicitly", () => {
    expect(() => createJwtValidator({ issuer: "not a url", audience: AUD })).toThrow(/AUTH_ISSUER/);
    expect(() => createJwtValidator({ issuer: idp.issuer, audience: [] })).toThrow(/AUTH_AUDIENCE/);
    expect(() => createJwtValidator({ issuer: false, audience: AUD })).toThrow(/AUTH_JWKS_URL/);
    expect(() =>
      createJwtValidator({ issuer: false, audience: false, jwksUrl: idp.jwksUrl }),
    ).not.toThrow();
  });

  it("skips the iss and aud checks only when told to", async () => {
    const lax = new JwtValidator({ issuer: false, audience: false, jwksUrl: idp.jwksUrl });
    const token = await signToken(rsa, { iss: "https://anyone.example", aud: "anything" });
    await expect(lax.verify(token, ctx)).resolves.toBeDefined();
  });

  it("reads aud as a string or a list for the audience, the resource and browser clients", async () => {
    const RESOURCE = "https://api.example/mcp";
    const sign = (aud: unknown) => signToken(rsa, { iss: idp.issuer, aud });
    await expect(validator.verify(await sign(["other", AUD]), ctx)).resolves.toBeDefined();
    await expectStatus(await sign(["other", 7]), 401);
    await expectStatus(await sign({ [AUD]: true }), 401);
    const bound = new JwtValidator({ issuer: idp.issuer, audience: AUD, resource: RESOURCE });
    await expect(bound.verify(await sign([AUD, RESOURCE]), ctx)).resolves.toBeDefined();
    await expectStatus(await sign(AUD), 401, bound);
    const alone = new JwtValidator({ issuer: idp.issuer, audience: false, resource: RESOURCE });
    await expect(alone.verify(await sign(RESOURCE), ctx)).resolves.toBeDefined();
    await expectStatus(await sign([`${RESOURCE}/x`]), 401, alone);
    const spa = new JwtValidator({
      issuer: idp.issuer,
      audience: AUD,
      browserClientIds: ["spa"],
      logger: { warn() {} },
    });
    await expectStatus(await sign([AUD, "spa"]), 401, spa);
    await expect(spa.verify(await sign([AUD]), ctx)).resolves.toBeDefined();
  });

  it("accepts azp as audience only when configured (Keycloak)", async () => {
    const token = await signToken(rsa, { iss: idp.issuer, aud: "account", azp: AUD });
    await expectStatus(token, 401);
    const kc = new JwtValidator({ issuer: idp.issuer, audience: AUD, acceptAzpAsAudience: true });
    await expect(kc.verify(token, ctx)).resolves.toBeDefined();
  });
});
