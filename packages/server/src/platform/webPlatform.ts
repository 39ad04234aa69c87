import { sha256 } from "@noble/hashes/sha2";
import type { Platform } from "../kernel/platform.js";

/** The 32 digest bytes as a latin1 string, like Node's `crypto.hash(…, "binary")`. */
function sha256Key(input: string): string {
  return String.fromCharCode(...sha256(new TextEncoder().encode(input)));
}

/**
 * Runtimes without `node:crypto` (workerd, edge) or that the package serves through the Web
 * build (Bun, Deno): a synchronous sha256 (Web Crypto's is async, and a cache hit must stay
 * synchronous).
 */
export const webPlatform: Platform = {
  sha256Key,
  sha256Hex: (input) =>
    Array.from(sha256(new TextEncoder().encode(input)), (b) =>
      b.toString(16).padStart(2, "0"),
    ).join(""),
};
