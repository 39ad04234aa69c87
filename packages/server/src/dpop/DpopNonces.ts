import { platform } from "#platform";
import { hexToBase64url } from "./base64url.js";

/**
 * Server nonces for DPoP proofs (RFC 9449 §8) without shared state: the nonce of a time slot is
 * a keyed hash of the slot, so every instance holding the same secret issues and accepts the
 * same ones. A nonce is accepted in its slot and the next one, so it rotates every `slotMs` and
 * lives at most twice that.
 *
 * @example
 * const nonces = new DpopNonces(secret, 60_000);
 * if (!nonces.accepts(payload.nonce)) throw useDpopNonce(nonces.current(), algorithms);
 */
export class DpopNonces {
  private slot = Number.NaN;
  private values: readonly [string, string] = ["", ""];

  constructor(
    private readonly secret: string,
    private readonly slotMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nonce to hand out now (`DPoP-Nonce`). */
  current(): string {
    return this.valuesNow()[0];
  }

  /** Whether a proof's `nonce` is this slot's or the previous slot's. */
  accepts(nonce: unknown): boolean {
    if (typeof nonce !== "string") return false;
    const [current, previous] = this.valuesNow();
    return nonce === current || nonce === previous;
  }

  private valuesNow(): readonly [string, string] {
    const slot = Math.floor(this.now() / this.slotMs);
    if (slot !== this.slot) {
      this.slot = slot;
      this.values = [this.nonceOf(slot), this.nonceOf(slot - 1)];
    }
    return this.values;
  }

  /**
   * sha256(label, secret, slot): the message has a fixed shape the server builds itself, so the
   * length extension a plain hash allows yields no nonce the server would ever compute.
   */
  private nonceOf(slot: number): string {
    return hexToBase64url(platform.sha256Hex(`dpop-nonce\n${this.secret}\n${slot}`));
  }
}
