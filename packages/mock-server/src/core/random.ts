/** base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** 32 random bytes, base64url (codes, refresh tokens, session ids, nonces). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Hex sha256: secrets are looked up by their hash, never stored as map keys. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compare without an early exit on the first differing character. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/** A Map with a size cap and per-entry expiry, for pending logins, codes and refresh tokens. */
export class ExpiringMap<V extends { expiresAt: number }> {
  readonly #map = new Map<string, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string, now: number): V | undefined {
    const value = this.#map.get(key);
    if (value && value.expiresAt <= now) {
      this.#map.delete(key);
      return undefined;
    }
    return value;
  }

  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  set(key: string, value: V, now: number): void {
    if (this.#map.size >= this.#max) this.#prune(now);
    // Still full: drop the oldest entries (insertion order) so a flood cannot grow memory.
    while (this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next().value;
      if (oldest === undefined) break;
      this.#map.delete(oldest);
    }
    this.#map.set(key, value);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  #prune(now: number): void {
    for (const [key, value] of this.#map) if (value.expiresAt <= now) this.#map.delete(key);
  }
}
