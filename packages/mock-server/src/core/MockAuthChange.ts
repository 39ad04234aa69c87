/**
 * A change the mock reports so that backends drop what they cached: a session ended (logout,
 * refresh-token reuse, a revoked OpenID grant), one token was revoked (RFC 7009, logout of a
 * token without a session), or the run-time state changed (every cached answer is stale).
 *
 * @example
 * const mock = createMockAuth({ onChange: (change: MockAuthChange) => console.log(change.type) });
 */
export type MockAuthChange =
  | { type: "revoke"; sid: string; sub: string; ttlSeconds: number }
  | { type: "revoke-token"; jti: string; ttlSeconds: number }
  | { type: "invalidate" };
