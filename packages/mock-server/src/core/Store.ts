import { LRUCache } from "lru-cache";

/** A capped store whose entries expire at their `expiresAt` on the mock's clock. */
export type Store<V extends { expiresAt: number }> = LRUCache<string, V>;

/** A store of at most `max` entries on the clock `now`. */
export function store<V extends { expiresAt: number }>(max: number, now: () => number): Store<V> {
  // The mock's clock (tests move it), read on every check: no cached "now" between reads.
  return new LRUCache<string, V>({ max, perf: { now }, ttlResolution: 0 });
}

/** Store `value` until its `expiresAt`. */
export function keep<V extends { expiresAt: number }>(
  into: Store<V>,
  key: string,
  value: V,
  now: number,
): void {
  // A ttl of 0 would mean "never expires": an already-due entry lives 1 ms instead.
  into.set(key, value, { ttl: Math.max(1, value.expiresAt - now) });
}
