/**
 * What the kernel needs from the runtime it runs on. The kernel imports no runtime modules: the
 * composition root passes the implementation for its runtime (Node's `crypto.hash` today).
 */
export interface Platform {
  /**
   * The sha256 digest of `input` as a string used only as a cache key (never printed): distinct
   * digests must give distinct strings. Must be synchronous so that a cache hit stays synchronous.
   */
  sha256Key(input: string): string;
  /** The sha256 digest of `input`'s UTF-8 bytes as lower-case hex (how tokens travel as events). */
  sha256Hex(input: string): string;
}
