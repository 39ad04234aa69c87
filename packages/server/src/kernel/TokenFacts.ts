/**
 * What revocations and invalidations are matched against, for one validated token: its identity
 * hash, issuer, subject, mapped user id, session and id, when it was issued and when it was
 * validated.
 *
 * @example
 * const facts: TokenFacts = { tokenHash, iss, sub: "42", issuedAt: iat * 1000, validatedAt: Date.now() };
 */
export interface TokenFacts {
  /** sha256 of what identifies the token (a JWS: its signed part; see `signedPart`). */
  tokenHash: string;
  /** sha256 of the token as spelled, when it differs (revocations published by its spelling). */
  spellingHash?: string;
  /**
   * The token's `iss` claim: revocations scoped to an issuer match only its tokens (and tokens
   * that name none).
   */
  iss?: string;
  /** The token's `sub` claim (an opaque token: the user id its upstream named). */
  sub?: string;
  /** The mapped `User.id` (may come from another claim than `sub`). */
  userId?: string;
  sid?: string;
  jti?: string;
  /** JWT `iat`; else when the fleet (or, alone, this process) first saw the token. */
  issuedAt: number;
  validatedAt: number;
}
