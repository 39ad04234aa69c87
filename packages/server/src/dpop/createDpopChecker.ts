import type { CryptoKey, JWTPayload } from "jose";
import { LRUCache } from "lru-cache";
import { platform } from "#platform";
import { loadJose } from "../jose/loadJose.js";
import { ASYMMETRIC_ALGORITHMS } from "../kernel/asymmetricAlgorithms.js";
import { hasProtoKey } from "../kernel/claimPath.js";
import { invalidDpopProof, useDpopNonce } from "../kernel/DpopError.js";
import type { DpopProofCheck, DpopProofChecker } from "../kernel/DpopGate.js";
import type { RequestTarget } from "../kernel/requestTarget.js";
import type { RequestContext } from "../kernel/types.js";
import { hexToBase64url } from "./base64url.js";
import { DpopNonces } from "./DpopNonces.js";
import { jwkThumbprint } from "./jwkThumbprint.js";

/**
 * Options of {@link createDpopChecker}.
 *
 * @example
 * const options: DpopCheckerOptions = { originOf, firstSight: (id, ms) => auth.firstSight(id, ms), clockToleranceSeconds: 60 };
 */
export interface DpopCheckerOptions {
  /**
   * The scheme and host the client addressed, e.g. `https://api.example.com` (the origin of
   * `htu`): the same trusted forwarded-host rules and allow-list as proxy mode. May throw an
   * AuthError (a host that is not allowed).
   */
  originOf(ctx: RequestContext, target: RequestTarget): string;
  /** True the first time `id` is seen within `ttlMs`, fleet-wide with Redis (`auth.firstSight`). */
  firstSight(id: string, ttlMs: number): Promise<boolean>;
  /** Clock difference allowed around `iat` (AUTH_CLOCK_SKEW). */
  clockToleranceSeconds: number;
  /** How old a proof may be (default 60 s, plus the tolerance); also the nonce's rotation. */
  proofWindowSeconds?: number;
  /** Turns server nonces on (RFC 9449 §8); the same secret on every instance of a fleet. */
  nonceSecret?: string;
  /** Accepted proof algorithms (default: the asymmetric ones; never `none` nor HS*). */
  algorithms?: readonly string[];
  /** The clock (tests). */
  now?: () => number;
}

/** JWK members only a private or symmetric key has: a proof must carry the public key alone. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const MAX_JTI_LENGTH = 256;
const MAX_HTU_LENGTH = 4096;
const DEFAULT_WINDOW_SECONDS = 60;
/** Imported proof keys by algorithm and thumbprint: a client's next proof skips the import. */
const KEYS_MAX = 1000;

/**
 * Builds the DPoP proof checker `createAuth` plugs into the kernel: every check of RFC 9449
 * §4.3 (`typ`, an allowed asymmetric `alg`, a public `jwk`, the signature, `htm`, `htu`, `iat`
 * within the window, `ath`, the key's thumbprint equal to the token's `cnf.jkt`), the server
 * nonce when configured, and last the `jti`, never accepted twice (fleet-wide with Redis).
 *
 * @example
 * const checker = createDpopChecker({ originOf, firstSight, clockToleranceSeconds: 60 });
 * await checker.check({ proof, token, jkt, ctx, target });
 */
export function createDpopChecker(options: DpopCheckerOptions): DpopProofChecker {
  return new DpopChecker(options);
}

class DpopChecker implements DpopProofChecker {
  readonly algorithms: readonly string[];
  private readonly windowMs: number;
  private readonly toleranceMs: number;
  private readonly nonces: DpopNonces | undefined;
  private readonly now: () => number;
  private readonly keys = new LRUCache<string, CryptoKey>({ max: KEYS_MAX });

  constructor(private readonly options: DpopCheckerOptions) {
    this.algorithms = Object.freeze([...(options.algorithms ?? ASYMMETRIC_ALGORITHMS)]);
    this.windowMs = (options.proofWindowSeconds ?? DEFAULT_WINDOW_SECONDS) * 1000;
    this.toleranceMs = options.clockToleranceSeconds * 1000;
    this.now = options.now ?? Date.now;
    this.nonces =
      options.nonceSecret === undefined
        ? undefined
        : new DpopNonces(options.nonceSecret, this.windowMs, this.now);
  }

  async check({ proof, token, jkt, ctx, target }: DpopProofCheck): Promise<void> {
    const { header, key } = await this.keyOf(proof, jkt);
    const payload = await this.verifySignature(proof, key, header.alg);
    this.checkRequest(payload, ctx, target);
    this.checkTime(payload.iat);
    if (payload.ath !== hexToBase64url(platform.sha256Hex(token))) {
      throw this.invalid("its ath is not the hash of this access token");
    }
    if (this.nonces !== undefined && !this.nonces.accepts(payload.nonce)) {
      throw useDpopNonce(this.nonces.current(), this.algorithms);
    }
    // Last: only a proof that passed everything else uses up its jti.
    const jti = payload.jti;
    if (typeof jti !== "string" || jti === "" || jti.length > MAX_JTI_LENGTH) {
      throw this.invalid(`its jti must be a unique string of at most ${MAX_JTI_LENGTH} characters`);
    }
    const id = `dpop:${platform.sha256Hex(`${jkt}\n${jti}`)}`;
    if (!(await this.options.firstSight(id, this.windowMs + 2 * this.toleranceMs))) {
      throw this.invalid("it was used before (each request needs a new proof with a new jti)");
    }
  }

  /** The header's checks, then its key: a key of another thumbprint fails before any crypto. */
  private async keyOf(proof: string, jkt: string) {
    const { decodeProtectedHeader, importJWK } = await loadJose();
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw this.invalid("its header is not a JSON object");
    }
    if (hasProtoKey(header)) throw this.invalid("its header contains a forbidden __proto__ key");
    if (header.typ !== "dpop+jwt") throw this.invalid("its typ header must be dpop+jwt");
    const alg = header.alg;
    if (typeof alg !== "string" || !this.algorithms.includes(alg)) {
      throw this.invalid(`its alg must be one of ${this.algorithms.join(", ")}`);
    }
    const jwk = header.jwk as Record<string, unknown> | undefined;
    if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) {
      throw this.invalid("its header must carry the public key as jwk");
    }
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
      throw this.invalid("its jwk must be a public key (it carries private key members)");
    }
    const thumbprint = jwkThumbprint(jwk);
    if (thumbprint === undefined) throw this.invalid("its jwk is not an EC, RSA or OKP public key");
    if (thumbprint !== jkt) throw this.invalid("it is signed with another key than the token's");
    const cacheKey = `${alg} ${thumbprint}`;
    let key = this.keys.get(cacheKey);
    if (key === undefined) {
      try {
        key = (await importJWK(jwk, alg)) as CryptoKey;
      } catch {
        throw this.invalid(`its jwk cannot be used with ${alg}`);
      }
      this.keys.set(cacheKey, key);
    }
    return { header: { alg }, key };
  }

  private async verifySignature(proof: string, key: CryptoKey, alg: string): Promise<JWTPayload> {
    const { jwtVerify, errors } = await loadJose();
    try {
      const { payload } = await jwtVerify(proof, key, { typ: "dpop+jwt", algorithms: [alg] });
      if (hasProtoKey(payload)) throw this.invalid("it contains a forbidden __proto__ key");
      return payload;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        throw this.invalid("its signature does not verify");
      }
      if (error instanceof errors.JOSEError) throw this.invalid("it is not a valid signed JWT");
      throw error;
    }
  }

  /** `htm` and `htu`: this method on this URL (scheme, host and path; no query, no fragment). */
  private checkRequest(payload: JWTPayload, ctx: RequestContext, target: RequestTarget): void {
    if (payload.htm !== target.method) throw this.invalid("its htm is not this request's method");
    const htu = payload.htu;
    if (typeof htu !== "string" || htu.length > MAX_HTU_LENGTH) {
      throw this.invalid("its htu must be the request's URL");
    }
    const expected = normalizeUrl(`${this.options.originOf(ctx, target)}${target.path}`);
    if (expected === undefined || normalizeUrl(htu) !== expected) {
      throw this.invalid("its htu is not this request's URL (scheme, host and path)");
    }
  }

  private checkTime(iat: unknown): void {
    if (typeof iat !== "number" || !Number.isFinite(iat)) {
      throw this.invalid("its iat must be the time it was made (seconds)");
    }
    const age = this.now() - iat * 1000;
    if (age > this.windowMs + this.toleranceMs || age < -this.toleranceMs) {
      throw this.invalid(
        "its iat is outside the accepted window (make a new proof for each request; check the clock)",
      );
    }
  }

  private invalid(reason: string) {
    return invalidDpopProof(reason, this.algorithms);
  }
}

const SCHEMES: Readonly<Record<string, string>> = {
  "http:": "http:",
  "https:": "https:",
  "ws:": "http:",
  "wss:": "https:",
};

/** An http(s) URL without query and fragment, as URL spells it (case, default port, dots). */
function normalizeUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // A WebSocket's proof may name its ws(s) URL: the upgrade is a GET on the http(s) one.
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined || url.username !== "" || url.password !== "") return undefined;
  return `${scheme}//${url.host}${url.pathname}`;
}
