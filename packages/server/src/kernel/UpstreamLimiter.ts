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
  /** Validations waiting for a slot; beyond it a request gets 503 at once. */
  maxQueue: number;
  /** The `Retry-After` of that 503, in seconds. */
  retryAfterSeconds: number;
}

/**
 * Bounds concurrent upstream validations with a bounded FIFO queue: a flood of distinct bogus
 * tokens gets fast 503s instead of piling up requests or hammering the upstream, while cached
 * tokens never reach the limiter.
 */
export class UpstreamLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limits: UpstreamLimits) {}

  /** Runs `call` when a slot is free; throws OverloadedError when the queue is full too. */
  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.active < this.limits.maxConcurrent) return this.start(call);
    if (this.queue.length >= this.limits.maxQueue) {
      return Promise.reject(new OverloadedError(this.limits.retryAfterSeconds));
    }
    return new Promise<void>((resolve) => this.queue.push(resolve)).then(() => this.start(call));
  }

  /** Validations in flight and waiting, for metrics and tests. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  private async start<T>(call: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await call();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
