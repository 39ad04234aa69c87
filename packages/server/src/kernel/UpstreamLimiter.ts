import { OverloadedError } from "./errors.js";

/**
 * Options of {@link UpstreamLimiter}.
 *
 * @example
 * const limits: UpstreamLimits = { maxConcurrent: 32, maxQueue: 128, retryAfterSeconds: 1 };
 */
export interface UpstreamLimits {
  /** Upstream validations in flight at once (per instance). */
  maxConcurrent: number;
  /** Validations waiting for a slot, per lane; beyond it a request gets 503 at once. */
  maxQueue: number;
  /** The `Retry-After` of that 503, in seconds. */
  retryAfterSeconds: number;
}

/**
 * Which queue a validation waits in: `known` for tokens this instance validated recently (a
 * signed-in user whose cached answer expired, a permission of a validated token), `new` for
 * everything else.
 *
 * @example
 * limiter.run(() => validator.verify(token, ctx), "known");
 */
export type UpstreamLane = "known" | "new";

/**
 * Bounds concurrent upstream validations with bounded FIFO queues: a flood of distinct bogus
 * tokens gets fast 503s instead of piling up requests or hammering the upstream, while cached
 * tokens never reach the limiter. A quarter of the slots is kept for the `known` lane, which
 * also goes first, so that a flood of new tokens cannot starve signed-in users.
 */
export class UpstreamLimiter {
  private active = 0;
  private readonly reserved: number;
  private readonly queues: Record<UpstreamLane, Array<() => void>> = { known: [], new: [] };

  constructor(
    private readonly limits: UpstreamLimits,
    /** Told about each validation turned away (metrics). */
    private readonly onRefused: () => void = () => {},
  ) {
    this.reserved = Math.floor(limits.maxConcurrent / 4);
  }

  /** Runs `call` when a slot of its lane is free; throws OverloadedError when its queue is full. */
  run<T>(call: () => Promise<T>, lane: UpstreamLane = "new"): Promise<T> {
    if (this.active < this.capacity(lane)) {
      this.active++;
      return this.start(call);
    }
    const queue = this.queues[lane];
    if (queue.length >= this.limits.maxQueue) {
      this.onRefused();
      return Promise.reject(new OverloadedError(this.limits.retryAfterSeconds));
    }
    // next() takes the slot for a woken call, so no newcomer can slip in before it starts.
    return new Promise<void>((resolve) => queue.push(resolve)).then(() => this.start(call));
  }

  /** Validations in flight and waiting, for metrics and tests. */
  get load(): { active: number; queued: number; queuedKnown: number } {
    return {
      active: this.active,
      queued: this.queues.new.length + this.queues.known.length,
      queuedKnown: this.queues.known.length,
    };
  }

  /** Whether a lane's queue is full: its next validation would get 503. */
  get saturated(): boolean {
    return (["new", "known"] as const).some(
      (lane) =>
        this.active >= this.capacity(lane) && this.queues[lane].length >= this.limits.maxQueue,
    );
  }

  private capacity(lane: UpstreamLane): number {
    return lane === "known" ? this.limits.maxConcurrent : this.limits.maxConcurrent - this.reserved;
  }

  /** Runs `call` in a slot already counted in `active`. */
  private async start<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } finally {
      this.active--;
      this.next();
    }
  }

  /** Hands the freed slot to the known lane first, then to a new token if its share allows. */
  private next(): void {
    const woken =
      this.queues.known.shift() ??
      (this.active < this.capacity("new") ? this.queues.new.shift() : undefined);
    if (woken === undefined) return;
    this.active++;
    woken();
  }
}
