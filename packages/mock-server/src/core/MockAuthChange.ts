/**
 * A change the mock reports so that backends drop what they cached: a session ended (logout,
 * refresh-token reuse), or the run-time state changed (every cached answer is stale).
 *
 * @example
 * const mock = createMockAuth({ onChange: (change: MockAuthChange) => console.log(change.type) });
 */
export type MockAuthChange =
  | { type: "revoke"; sid: string; sub: string; ttlSeconds: number }
  | { type: "invalidate" };
