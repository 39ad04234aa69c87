/**
 * Runs `fn` while holding the cross-tab Web Lock `name`, so tabs never race a rotating refresh
 * token. Without Web Locks (old browsers, some webviews) it runs `fn` directly: the in-tab
 * single flight still holds, and the refresh endpoint's reuse detection is the last line.
 */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  return locks?.request ? (locks.request(name, fn) as Promise<T>) : fn();
}
