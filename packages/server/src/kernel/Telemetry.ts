/**
 * What a guard run ended in: a user let through, the request let through without one (optional
 * guards, the middleware, auth disabled), or an error answer.
 *
 * @example
 * telemetry.decision("refused", "expired", 401);
 */
export type DecisionOutcome = "allowed" | "anonymous" | "refused";

/**
 * The cache level asked: this process's LRU (`memory`) or the shared one (`redis`).
 *
 * @example
 * telemetry.cacheLookup("memory", "hit");
 */
export type CacheLevel = "memory" | "redis";

/**
 * What a cache lookup found: a user (`hit`), a cached 401 (`negative_hit`), nothing (`miss`), or,
 * for Redis, no answer (`error`).
 *
 * @example
 * telemetry.cacheLookup("redis", "error");
 */
export type CacheResult = "hit" | "negative_hit" | "miss" | "error";

/**
 * The outbound calls the SDK makes: the proxy's get-me and permission endpoints, the JWKS and
 * the OpenID discovery document, token introspection.
 *
 * @example
 * telemetry.upstream("jwks", { method: "GET", url }, (call) => fetchKeys(call));
 */
export type UpstreamOperation = "get_me" | "permission" | "jwks" | "discovery" | "introspection";

/**
 * How an outbound call ended: `ok` (the expected answer, a denied permission included),
 * `rejected` (the upstream refused the token: 401), `error` (no usable answer), `timeout`.
 *
 * @example
 * const outcome: UpstreamOutcome = "timeout";
 */
export type UpstreamOutcome = "ok" | "rejected" | "error" | "timeout";

/**
 * Where an outbound call goes: its method and URL. Only the URL's host and port are recorded.
 *
 * @example
 * const target: UpstreamTarget = { method: "GET", url: "https://id.example.com/jwks" };
 */
export interface UpstreamTarget {
  method: "GET" | "POST";
  url: string;
}

/**
 * What the code making an outbound call tells about it while it runs: the HTTP status it got,
 * and that it timed out (both optional: a thrown error alone is an `error` outcome).
 *
 * @example
 * call.status(response.status);
 */
export interface UpstreamCall {
  /** The HTTP status of the answer. */
  status(code: number): void;
  /** The call ran out of time (the outcome becomes `timeout`). */
  timedOut(): void;
}

/**
 * What the SDK reports of itself, read when a metrics exporter collects: the upstream limiter's
 * load and bounds, and the Redis link (undefined without Redis).
 *
 * @example
 * telemetry.observe({ limiter: () => ({ active: 3, queued: 0, maxConcurrent: 64, maxQueue: 512 }) });
 */
export interface TelemetrySources {
  limiter(): { active: number; queued: number; maxConcurrent: number; maxQueue: number };
  redis(): { ready: boolean; subscribed: boolean } | undefined;
}

/**
 * The kernel's seam for metrics and traces: every call is cheap and synchronous except
 * `upstream`, which wraps an outbound call. {@link NO_TELEMETRY} does nothing;
 * `createAuth({ telemetry })` plugs in OpenTelemetry. Attributes never carry a token, a proof, a
 * cookie or a secret.
 *
 * @example
 * const auth = new Auth(validator, settings, logger, { platform, telemetry: NO_TELEMETRY });
 */
export interface Telemetry {
  /**
   * One guard run's outcome other than a user let through, with its stable reason and, for a
   * refusal, the HTTP status (0 otherwise).
   */
  decision(outcome: DecisionOutcome, reason: string, status: number): void;
  /** A guard let a user through (`enduser.id` goes on the active span when the app opted in). */
  allowed(userId: string | null): void;
  /** One cache lookup. */
  cacheLookup(level: CacheLevel, result: CacheResult): void;
  /** Runs one outbound call in a client span (a child of the active span), timed. */
  upstream<T>(
    operation: UpstreamOperation,
    target: UpstreamTarget,
    run: (call: UpstreamCall) => Promise<T>,
  ): Promise<T>;
  /** The upstream limiter turned a validation away (503 overloaded). */
  limiterRefused(): void;
  /** This instance published a revocation or invalidation to the fleet. */
  eventPublished(type: "revoke" | "invalidate"): void;
  /** A fleet event arrived, `delayMs` after it was made (clocks of two hosts: approximate). */
  eventReceived(type: "revoke" | "invalidate", delayMs: number): void;
  /** Registers what is read at collection time. */
  observe(sources: TelemetrySources): void;
}

const NO_CALL: UpstreamCall = { status() {}, timedOut() {} };

/**
 * The telemetry of an instance without OpenTelemetry: every call does nothing.
 *
 * @example
 * const telemetry: Telemetry = options.telemetry ?? NO_TELEMETRY;
 */
export const NO_TELEMETRY: Telemetry = Object.freeze({
  decision() {},
  allowed() {},
  cacheLookup() {},
  upstream: <T>(
    _operation: UpstreamOperation,
    _target: UpstreamTarget,
    run: (call: UpstreamCall) => Promise<T>,
  ) => run(NO_CALL),
  limiterRefused() {},
  eventPublished() {},
  eventReceived() {},
  observe() {},
});

/**
 * A validator (or any part making outbound calls) that reports them: `Auth` hands it the
 * instance's telemetry when it is created.
 *
 * @example
 * if (isObservable(validator)) validator.useTelemetry(telemetry);
 */
export interface Observable {
  useTelemetry(telemetry: Telemetry): void;
}
