/**
 * Asymmetric JWS algorithms accepted by default (access tokens and logout tokens alike); the key
 * type is bound to each by jose, and no shared-secret algorithm is ever accepted by default.
 *
 * @example
 * const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
 */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
]);
