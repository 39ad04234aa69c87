import type { JWK, JWTPayload } from "jose";
import { MockAuthError } from "../MockAuthError.js";

/**
 * Signature algorithms the mock signs with (one key of each is published).
 *
 * @example
 * const alg: SigningAlg = "RS256";
 * const token = await mock.mintToken({ alg });
 */
export type SigningAlg = "ES256" | "RS256";

/** Per-token overrides of what the signer puts in the header and the registered claims. */
export interface SignOptions {
  alg?: SigningAlg;
  /** `kid` written to the header (a wrong one makes an "unknown kid" token). */
  kid?: string;
  /** `typ` header; default `JWT`. */
  typ?: string;
  /** `iss`; default the mock's issuer. */
  issuer?: string;
  /** `aud`; default the mock's audience; `null` leaves it out. */
  audience?: string | string[] | null;
  /** `nbf` in Unix seconds. */
  notBefore?: number;
  /** Sign with a throwaway key that is never published (a "bad signature" token). */
  foreignKey?: boolean;
}

/** What `verify` checks beyond the signature and the clock. */
export interface VerifyOptions {
  /** Accepted `aud`; default the mock's audience; `null`: any audience. */
  audience?: string | string[] | null;
}

/** Signs and verifies the mock's JWTs; jose and the keys load on first use (fast start). */
export interface Signer {
  sign(claims: JWTPayload, iat: number, exp: number, options?: SignOptions): Promise<string>;
  verify(token: string, nowMs: number, options?: VerifyOptions): Promise<JWTPayload | undefined>;
  /** The published public keys: active ES256, active RS256, then retired ones. */
  jwks(nowMs?: number): Promise<{ keys: JWK[] }>;
  /** New ES256 + RS256 keys sign from now on; the old ones stay published `graceSeconds`. */
  rotate(graceSeconds: number, nowMs: number): Promise<string[]>;
}

interface SigningKey {
  alg: SigningAlg;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** Epoch ms after which a retired key is dropped from the JWKS; undefined while active. */
  retiresAt?: number;
}

type Jose = typeof import("jose");

/** Check a private EC P-256 JWK before jose sees it, so the error says what is wrong. */
function assertPrivateJwk(jwk: JWK): void {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.x || !jwk.y) {
    throw new MockAuthError(
      "signing_key",
      'signingKey must be a private EC P-256 JWK ({"kty":"EC","crv":"P-256","x","y","d"}); create one with: node -e \'crypto.subtle.generateKey({name:"ECDSA",namedCurve:"P-256"},true,["sign"]).then(k=>crypto.subtle.exportKey("jwk",k.privateKey)).then(j=>console.log(JSON.stringify(j)))\' > mock-key.json, or omit it to use a generated key',
    );
  }
}

function publicPart(jwk: JWK): JWK {
  return jwk.kty === "EC"
    ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
    : { kty: jwk.kty, n: jwk.n, e: jwk.e };
}

async function importKey(jose: Jose, signingKey: JWK): Promise<SigningKey> {
  assertPrivateJwk(signingKey);
  const publicJwk = publicPart(signingKey);
  const privateKey = (await jose.importJWK(signingKey, "ES256")) as CryptoKey;
  const publicKey = (await jose.importJWK(publicJwk, "ES256")) as CryptoKey;
  const kid = signingKey.kid ?? (await jose.calculateJwkThumbprint(publicJwk));
  return { alg: "ES256", kid, privateKey, publicKey, publicJwk };
}

async function generateKey(jose: Jose, alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const publicJwk = publicPart(await jose.exportJWK(publicKey));
  const kid = await jose.calculateJwkThumbprint(publicJwk);
  return { alg, kid, privateKey, publicKey, publicJwk };
}

/**
 * A key ring for `issuer`/`audience`: one active ES256 key (imported or generated) and one
 * active RS256 key, each made on first use (an RSA key costs ~100 ms), plus retired keys kept
 * published for their grace period after a rotation.
 */
export function createSigner(issuer: string, audience: string, signingKey?: JWK): Signer {
  let jose: Promise<Jose> | undefined;
  const active = new Map<SigningAlg, Promise<SigningKey>>();
  let retired: SigningKey[] = [];
  const loadJose = () => {
    jose ??= import("jose");
    return jose;
  };
  const keyFor = (alg: SigningAlg) => {
    let key = active.get(alg);
    if (!key) {
      key = loadJose().then((j) =>
        alg === "ES256" && signingKey ? importKey(j, signingKey) : generateKey(j, alg),
      );
      active.set(alg, key);
    }
    return key;
  };
  const published = async (nowMs: number) => {
    retired = retired.filter((k) => (k.retiresAt ?? 0) > nowMs);
    return [await keyFor("ES256"), await keyFor("RS256"), ...retired];
  };
  // Only keys that exist can have signed a token: never generate one just to verify.
  const findKey = async (alg: string | undefined, kid: string | undefined, nowMs: number) => {
    if (alg !== "ES256" && alg !== "RS256") return undefined;
    const current = alg === "ES256" || active.has(alg) ? [await keyFor(alg)] : [];
    retired = retired.filter((k) => (k.retiresAt ?? 0) > nowMs);
    return [...current, ...retired].find((k) => k.kid === kid && k.alg === alg);
  };
  return {
    async sign(claims, iat, exp, options = {}) {
      const j = await loadJose();
      const alg = options.alg ?? "ES256";
      const key = options.foreignKey ? await generateKey(j, alg) : await keyFor(alg);
      const jwt = new j.SignJWT(claims)
        .setProtectedHeader({ alg, kid: options.kid ?? key.kid, typ: options.typ ?? "JWT" })
        .setIssuer(options.issuer ?? issuer)
        .setIssuedAt(iat)
        .setExpirationTime(exp);
      const aud = options.audience === undefined ? audience : options.audience;
      if (aud !== null) jwt.setAudience(aud);
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      return jwt.sign(key.privateKey);
    },
    async verify(token, nowMs, options = {}) {
      const j = await loadJose();
      try {
        const { kid, alg } = j.decodeProtectedHeader(token);
        const key = await findKey(alg, kid, nowMs);
        if (!key) return undefined;
        const aud = options.audience === undefined ? audience : options.audience;
        const { payload } = await j.jwtVerify(token, key.publicKey, {
          issuer,
          ...(aud === null ? {} : { audience: aud }),
          algorithms: [key.alg],
          currentDate: new Date(nowMs),
        });
        return payload;
      } catch {
        return undefined;
      }
    },
    async jwks(nowMs = Date.now()) {
      const keys = await published(nowMs);
      return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: "sig" })) };
    },
    async rotate(graceSeconds, nowMs) {
      const j = await loadJose();
      const old = await published(nowMs);
      const retiresAt = nowMs + graceSeconds * 1000;
      const fresh = await Promise.all([generateKey(j, "ES256"), generateKey(j, "RS256")]);
      retired = [...old.slice(0, 2).map((k) => ({ ...k, retiresAt })), ...old.slice(2)];
      for (const k of fresh) active.set(k.alg, Promise.resolve(k));
      return fresh.map((k) => k.kid);
    },
  };
}
