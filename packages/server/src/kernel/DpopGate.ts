import { DpopError, invalidDpopProof } from "./DpopError.js";
import { InvalidTokenError } from "./errors.js";
import { MALFORMED, readDpopProof } from "./extractBearerToken.js";
import { failed, type RequestAuthState } from "./RequestAuthState.js";
import { type RequestTarget, requestTarget } from "./requestTarget.js";
import type { DpopMode } from "./settings.js";
import { toAuthError } from "./toAuthError.js";
import type { RequestContext, Verification } from "./types.js";

/**
 * One proof to check against its request: everything RFC 9449 §4.3 compares it with.
 *
 * @example
 * await checker.check({ proof, token, jkt: "0ZcOCORZ…", ctx, target });
 */
export interface DpopProofCheck {
  /** The `DPoP` header (one compact JWS, size-checked). */
  readonly proof: string;
  /** The access token (`ath` is its hash). */
  readonly token: string;
  /** The token's `cnf.jkt`: the thumbprint the proof's key must have. */
  readonly jkt: string;
  readonly ctx: RequestContext;
  /** The request's method and path (`htm`, `htu`). */
  readonly target: RequestTarget;
}

/**
 * Verifies DPoP proofs (signature, claims, replay, nonce): the seam the kernel calls, built by
 * `createAuth` from `dpop/` (jose is loaded only there). Rejects with a {@link DpopError}.
 *
 * @example
 * const checker: DpopProofChecker = { algorithms: ["ES256"], check: async (c) => verify(c) };
 */
export interface DpopProofChecker {
  /** The proof algorithms accepted, as `algs` in the challenges. */
  readonly algorithms: readonly string[];
  check(check: DpopProofCheck): Promise<void>;
}

/** A JWK SHA-256 thumbprint (RFC 7638): 32 bytes in base64url. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const MALFORMED_CNF = Symbol("malformed-cnf");

/**
 * The key a token is bound to: `cnf.jkt` of the validated claims (a JWT's payload, an
 * introspection answer, an adapter's claims); undefined when unbound.
 *
 * @example
 * const jkt = boundKeyOf(state.verification); // "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
 */
export function boundKeyOf(
  verification: Verification | null,
): string | undefined | typeof MALFORMED_CNF {
  const cnf = verification?.user.claims?.cnf;
  if (cnf === undefined) return undefined;
  if (typeof cnf !== "object" || cnf === null) return MALFORMED_CNF;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  if (jkt === undefined) return undefined;
  return typeof jkt === "string" && THUMBPRINT.test(jkt) ? jkt : MALFORMED_CNF;
}

/** A proof check remembered on its request: middleware and guards check a proof once. */
interface CheckedProof {
  readonly key: string;
  readonly proof: string;
  readonly outcome: Promise<RequestAuthState>;
}

/**
 * Applies `AUTH_DPOP` to a validated token on every request, after the cache (the token's
 * answer is cached, a proof is never: each request brings its own): a key-bound token passes
 * only as `DPoP` with a valid proof, never as Bearer; `required` refuses unbound tokens.
 * Synchronous for an unbound Bearer token, so a cache hit stays synchronous.
 *
 * @example
 * const state = gate.admit(await resolver.stateFor(ctx, req), isDpopScheme(header), req);
 */
export class DpopGate {
  private readonly checked = new WeakMap<object, CheckedProof>();
  private readonly algorithms: readonly string[];

  constructor(
    readonly mode: DpopMode,
    private readonly checker: DpopProofChecker | undefined,
  ) {
    this.algorithms = checker?.algorithms ?? [];
  }

  /** The state to go on with: `state` itself, or why the token cannot be used this way. */
  admit(
    state: RequestAuthState,
    dpop: boolean,
    request: object | undefined,
  ): RequestAuthState | Promise<RequestAuthState> {
    if (state.user === null) return dpop ? this.rechallenge(state) : state;
    const bound = boundKeyOf(state.verification);
    if (bound === MALFORMED_CNF) {
      return failed(this.tokenError("its cnf claim is malformed (cnf.jkt must be a thumbprint)"));
    }
    if (!dpop) {
      if (bound !== undefined) {
        return failed(
          this.tokenError(
            "it is bound to a key (DPoP), so send it as `Authorization: DPoP <token>` with a `DPoP` proof header",
          ),
        );
      }
      if (this.mode !== "required") return state;
      return failed(
        this.tokenError("this API accepts only DPoP-bound tokens (AUTH_DPOP=required)"),
      );
    }
    if (this.mode === "off" || this.checker === undefined) {
      return failed(
        new InvalidTokenError(
          "This API does not accept DPoP (AUTH_DPOP=off): send `Authorization: Bearer <token>`.",
        ),
      );
    }
    if (bound === undefined) {
      return failed(
        this.tokenError("it is not bound to a key, so send it as `Authorization: Bearer <token>`"),
      );
    }
    return this.checkOnce(state, bound, request);
  }

  /** The proof's check, once per request object and proof (middleware then guard). */
  private checkOnce(
    state: RequestAuthState,
    jkt: string,
    request: object | undefined,
  ): Promise<RequestAuthState> {
    const ctx = state.ctx as RequestContext;
    const proof = readDpopProof(ctx);
    if (proof === undefined || proof === MALFORMED) {
      const reason =
        proof === undefined
          ? "the request has no DPoP header; sign a proof for this request with the token's key"
          : "the DPoP header must be exactly one compact JWS of at most 8192 characters";
      return Promise.resolve(failed(invalidDpopProof(reason, this.algorithms)));
    }
    const known = request === undefined ? undefined : this.checked.get(request);
    if (known !== undefined && known.key === state.key && known.proof === proof) {
      return known.outcome;
    }
    const outcome = this.check(state, proof, jkt, ctx, request);
    if (request !== undefined) this.checked.set(request, { key: state.key, proof, outcome });
    return outcome;
  }

  private async check(
    state: RequestAuthState,
    proof: string,
    jkt: string,
    ctx: RequestContext,
    request: object | undefined,
  ): Promise<RequestAuthState> {
    const target = requestTarget(request);
    if (target === undefined) {
      return failed(
        invalidDpopProof(
          "the request's method and URL are unknown here; pass the framework's request object",
          this.algorithms,
        ),
      );
    }
    try {
      await (this.checker as DpopProofChecker).check({
        proof,
        token: state.token as string,
        jkt,
        ctx,
        target,
      });
      return state;
    } catch (error) {
      return failed(toAuthError(error));
    }
  }

  /** A token refused as `DPoP`: the challenge names the DPoP scheme (RFC 9449 §7.1). */
  private rechallenge(state: RequestAuthState): RequestAuthState {
    const error = state.error;
    if (error?.code !== "invalid_token" || this.checker === undefined) return state;
    return failed(new DpopError("invalid_token", error.message, this.algorithms));
  }

  private tokenError(reason: string): DpopError {
    return new DpopError("invalid_token", `Invalid access token: ${reason}.`, this.algorithms);
  }
}
