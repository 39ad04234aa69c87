import type { JWK, JWTPayload } from "jose";
import { MockAuthError } from "../MockAuthError.js";

/** Signs and verifies the mock's ES256 JWTs; jose and the key load on first use (fast start). */
export interface Signer {
  sign(claims: JWTPayload, iat: number, exp: number): Promise<string>;
  verify(token: string, nowMs: number): Promise<JWTPayload | undefined>;
  jwks(): Promise<{ keys: JWK[] }>;
}

interface KeyMaterial {
  jose: typeof import("jose");
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

/** Check a private EC P-256 JWK before jose sees it, so the error says what is wrong. */
function assertPrivateJwk(jwk: JWK): void {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.x || !jwk.y) {
    throw new MockAuthError(
      "signing_key",
      'signingKey must be a private EC P-256 JWK ({"kty":"EC","crv":"P-256","x","y","d"}); create one with: node -e \'crypto.subtle.generateKey({name:"ECDSA",namedCurve:"P-256"},true,["sign"]).then(k=>crypto.subtle.exportKey("jwk",k.privateKey)).then(j=>console.log(JSON.stringify(j)))\' > mock-key.json, or omit it to use a generated key',
    );
  }
}

async function loadKeys(signingKey: JWK | undefined): Promise<KeyMaterial> {
  const jose = await import("jose");
  if (signingKey) {
    assertPrivateJwk(signingKey);
    const { kty, crv, x, y } = signingKey;
    const publicJwk: JWK = { kty, crv, x, y };
    const privateKey = (await jose.importJWK(signingKey, "ES256")) as CryptoKey;
    const publicKey = (await jose.importJWK(publicJwk, "ES256")) as CryptoKey;
    const kid = signingKey.kid ?? (await jose.calculateJwkThumbprint(publicJwk));
    return { jose, privateKey, publicKey, publicJwk, kid };
  }
  const { privateKey, publicKey } = await jose.generateKeyPair("ES256", { extractable: true });
  const exported = await jose.exportJWK(publicKey);
  const publicJwk: JWK = { kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y };
  const kid = await jose.calculateJwkThumbprint(publicJwk);
  return { jose, privateKey, publicKey, publicJwk, kid };
}

/** A signer for `issuer`/`audience`; the key is generated (or imported) once, lazily. */
export function createSigner(issuer: string, audience: string, signingKey?: JWK): Signer {
  let keys: Promise<KeyMaterial> | undefined;
  const load = () => {
    keys ??= loadKeys(signingKey);
    return keys;
  };
  return {
    async sign(claims, iat, exp) {
      const { jose, privateKey, kid } = await load();
      return new jose.SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(privateKey);
    },
    async verify(token, nowMs) {
      const { jose, publicKey } = await load();
      try {
        const { payload } = await jose.jwtVerify(token, publicKey, {
          issuer,
          audience,
          algorithms: ["ES256"],
          currentDate: new Date(nowMs),
        });
        return payload;
      } catch {
        return undefined;
      }
    },
    async jwks() {
      const { publicJwk, kid } = await load();
      return { keys: [{ ...publicJwk, kid, alg: "ES256", use: "sig" }] };
    },
  };
}
