import { AuthError } from "./errors.js";

/** What may stand inside the quoted `error_description` of WWW-Authenticate (RFC 6750 §3). */
const HEADER_SAFE = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

/**
 * 403: the token is valid but one of its claims does not meet the endpoint's rule
 * (`claimEquals`, `claimIncludes`, `claimCheck`): `error="insufficient_claims"`. The message
 * names the claim (or the rule's description), never the token or its claims' values.
 *
 * @example
 * if (err instanceof InsufficientClaimsError) console.warn(`claim ${err.claim} refused`);
 */
export class InsufficientClaimsError extends AuthError {
  /** The claim that was checked, or the rule's description for `claimCheck`. */
  readonly claim: string;

  constructor(claim: string, message: string) {
    super("insufficient_claims", 403, message, {
      headers: {
        "WWW-Authenticate": `Bearer error="insufficient_claims", error_description="${message.replace(HEADER_SAFE, "")}"`,
      },
    });
    this.claim = claim;
  }
}
