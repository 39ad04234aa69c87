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
    const slot = this.acquire(lane);
    return slot === true ? this.start(call) : slot.then(() => this.start(call));
  }

  /**
   * Takes a slot of `lane`: `true` when one was free (taken now), else a promise of one (it
   * rejects with OverloadedError when the lane's queue is full). Whoever holds a slot must
   * {@link release} it exactly once; `run` does both around a call.
   */
  acquire(lane: UpstreamLane = "new"): true | Promise<void> {
    if (this.tryAcquire(lane)) return true;
    const queue = this.queues[lane];
    if (queue.length >= this.limits.maxQueue) {
      this.onRefused();
      return Promise.reject(new OverloadedError(this.limits.retryAfterSeconds));
    }
    // next() takes the slot for a woken call, so no newcomer can slip in before it starts.
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  /** Takes a free slot of `lane` if there is one (then {@link release} it); never waits. */
  tryAcquire(lane: UpstreamLane): boolean {
    if (this.active >= this.capacity(lane)) return false;
    this.active++;
    return true;
  }

  /** Frees a slot taken by {@link acquire} and hands it on (a bound field: no closure per call). */
  readonly release = (): void => {
    this.active--;
    this.next();
  };

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

  /**
   * Runs `call` in a slot already counted in `active`, and hands back its own promise: the slot
   * is freed by a reaction registered before the caller's, so it is free again when the caller
   * goes on, without a wrapping promise (and its microtask) on every validation.
   */
  private start<T>(call: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = Promise.resolve(call());
    } catch (error) {
      this.release();
      return Promise.reject(error);
    }
    result.then(this.release, this.release);
    return result;
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
