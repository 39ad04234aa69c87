import { AuthError } from "./errors.js";

/** The `WWW-Authenticate` challenge of a DPoP answer (RFC 9449 §7.1); no token or proof in it. */
function dpopChallenge(error: string, description: string, algorithms: readonly string[]): string {
  // error_description is a quoted-string: the reasons are the SDK's own text, kept quote-free.
  const safe = description.replace(/["\\\r\n]/g, "");
  const algs = algorithms.length === 0 ? "" : `, algs="${algorithms.join(" ")}"`;
  return `DPoP error="${error}", error_description="${safe}"${algs}`;
}

/**
 * 401 for a request refused by its DPoP proof (RFC 9449): `invalid_dpop_proof` (the proof is
 * missing, malformed, for another request, key or token, stale or replayed), `use_dpop_nonce`
 * (send the nonce of the `DPoP-Nonce` header), or `invalid_token` for a token used against its
 * binding (a bound token as Bearer, an unbound one as DPoP). The message never holds the token
 * or the proof.
 *
 * @example
 * if (err instanceof DpopError && err.code === "use_dpop_nonce") retryWith(err.headers["DPoP-Nonce"]);
 */
export class DpopError extends AuthError {
  constructor(
    code: "invalid_dpop_proof" | "use_dpop_nonce" | "invalid_token",
    message: string,
    algorithms: readonly string[],
    extraHeaders: Record<string, string> = {},
  ) {
    super(code, 401, message, {
      headers: { "WWW-Authenticate": dpopChallenge(code, message, algorithms), ...extraHeaders },
    });
  }
}

/**
 * 401 `invalid_dpop_proof`; `reason` says what to fix, never quoting the proof.
 *
 * @example
 * throw invalidDpopProof("the proof's htm is not the request's method", ["ES256"]);
 */
export function invalidDpopProof(reason: string, algorithms: readonly string[]): DpopError {
  return new DpopError("invalid_dpop_proof", `Invalid DPoP proof: ${reason}.`, algorithms);
}

/**
 * 401 `use_dpop_nonce` with the nonce to put into the next proof (`DPoP-Nonce` header).
 *
 * @example
 * throw useDpopNonce(nonces.current(), ["ES256"]);
 */
export function useDpopNonce(nonce: string, algorithms: readonly string[]): DpopError {
  return new DpopError(
    "use_dpop_nonce",
    "This API requires a server nonce in the DPoP proof: sign a new proof with the DPoP-Nonce header's value as its nonce claim.",
    algorithms,
    { "DPoP-Nonce": nonce },
  );
}
