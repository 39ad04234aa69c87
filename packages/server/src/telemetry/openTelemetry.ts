import type {
  CacheLevel,
  CacheResult,
  DecisionOutcome,
  Telemetry,
  TelemetrySources,
  UpstreamCall,
  UpstreamOperation,
  UpstreamOutcome,
  UpstreamTarget,
} from "../kernel/Telemetry.js";
import type {
  OpenTelemetryApi,
  OtelAttributes,
  OtelMeter,
  OtelMeterProvider,
  OtelObservable,
  OtelRecorder,
  OtelTracerProvider,
} from "./OpenTelemetryApi.js";

/** The instrumentation scope's name: every metric and span of the SDK comes from it. */
export const INSTRUMENTATION_NAME = "@org/auth-server";

/**
 * How `createAuth` reports to OpenTelemetry (the `telemetry` option).
 *
 * @example
 * import * as api from "@opentelemetry/api";
 * const auth = createAuth({ telemetry: { api, userIds: true } });
 */
export interface TelemetryOptions {
  /**
   * The `@opentelemetry/api` module. Default: imported when it is installed (where the runtime
   * can import it by name; pass it on Workers and other bundled runtimes).
   */
  api?: OpenTelemetryApi;
  /** Where metrics go; default: the API's global meter provider. */
  meterProvider?: OtelMeterProvider;
  /** Where spans go; default: the API's global tracer provider. */
  tracerProvider?: OtelTracerProvider;
  /**
   * Put the user's id on the active (request) span as `enduser.id` when a user is let through.
   * Default false: no user id is recorded anywhere. Never on metrics.
   */
  userIds?: boolean;
}

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;
const SECONDS = 1 / 1000;

/** The `OtelMeter` method that makes each kind of instrument. */
const MAKERS = {
  counter: "createCounter",
  histogram: "createHistogram",
  observableCounter: "createObservableCounter",
  observableGauge: "createObservableGauge",
} as const;

/** One instrument: what `createAuth` reports under `name` (the README's "Observability"). */
interface InstrumentSpec {
  kind: keyof typeof MAKERS;
  name: string;
  unit: string;
  description: string;
  /** A histogram's bucket boundaries, in its unit. */
  buckets?: readonly number[];
}

/** Every metric of the SDK; names, units and descriptions are its public contract. */
const INSTRUMENTS = {
  decisions: {
    kind: "observableCounter",
    name: "auth.decisions",
    unit: "{decision}",
    description: "Guard runs by outcome (allowed, anonymous, refused) and stable reason.",
  },
  lookups: {
    kind: "observableCounter",
    name: "auth.cache.lookups",
    unit: "{lookup}",
    description: "Cache lookups by level (memory, redis) and result.",
  },
  upstream: {
    kind: "histogram",
    name: "auth.upstream.duration",
    unit: "s",
    description: "Outbound calls (get-me, permission, JWKS, discovery, introspection).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  refusals: {
    kind: "counter",
    name: "auth.limiter.refusals",
    unit: "{validation}",
    description: "Validations the upstream limiter turned away (503 overloaded).",
  },
  published: {
    kind: "counter",
    name: "auth.revocations.published",
    unit: "{event}",
    description: "Revocations and invalidations this instance published to the fleet.",
  },
  received: {
    kind: "counter",
    name: "auth.revocations.received",
    unit: "{event}",
    description: "Revocations and invalidations received from the fleet (own ones included).",
  },
  delay: {
    kind: "histogram",
    name: "auth.revocations.delay",
    unit: "s",
    description: "From an event's making to its arrival here (across hosts: clock skew).",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  },
  limiterActive: {
    kind: "observableGauge",
    name: "auth.limiter.active",
    unit: "{validation}",
    description: "Upstream validations in flight.",
  },
  limiterQueued: {
    kind: "observableGauge",
    name: "auth.limiter.queued",
    unit: "{validation}",
    description: "Upstream validations waiting for a slot.",
  },
  redisLink: {
    kind: "observableGauge",
    name: "auth.redis.link",
    unit: "1",
    description: "1 when the Redis connection (command, subscriber) is up, else 0.",
  },
} as const satisfies Record<string, InstrumentSpec>;

/** What exists once a real meter was found: one instrument per entry of `INSTRUMENTS`. */
type Instruments = {
  readonly [K in keyof typeof INSTRUMENTS]: (typeof INSTRUMENTS)[K]["kind"] extends
    | "observableCounter"
    | "observableGauge"
    ? OtelObservable
    : OtelRecorder;
};

/** A count the hot path increments; the SDK reads it at collection (an asynchronous counter). */
interface Tally {
  readonly attributes: OtelAttributes;
  count: number;
}

const ALLOWED = Object.freeze({ "auth.decision.outcome": "allowed", "auth.decision.reason": "ok" });
const LEVELS: readonly CacheLevel[] = ["memory", "redis"];
const RESULTS: readonly CacheResult[] = ["hit", "negative_hit", "miss", "error"];

/** One tally per level and result, made once: a lookup is one increment. */
function lookupTallies(): Record<CacheLevel, Record<CacheResult, Tally>> {
  const byLevel = (level: CacheLevel) =>
    Object.fromEntries(
      RESULTS.map((result) => [
        result,
        { attributes: { "auth.cache.level": level, "auth.cache.result": result }, count: 0 },
      ]),
    ) as unknown as Record<CacheResult, Tally>;
  return { memory: byLevel("memory"), redis: byLevel("redis") };
}

/**
 * The SDK's {@link Telemetry} over `@opentelemetry/api`: the metrics and spans listed in the
 * README ("Observability"). Until the API is loaded, and while no meter provider is registered,
 * every metric call is one field check; spans follow the tracer provider whenever it is set.
 *
 * @example
 * const telemetry = createOpenTelemetry(api, {});
 */
export function createOpenTelemetry(
  api: OpenTelemetryApi | Promise<OpenTelemetryApi | undefined>,
  options: TelemetryOptions,
): Telemetry {
  return new OpenTelemetry(api, options);
}

class OpenTelemetry implements Telemetry {
  #api: OpenTelemetryApi | undefined;
  #m: Instruments | undefined;
  #sources: TelemetrySources | undefined;
  readonly #options: TelemetryOptions;
  // Decisions and lookups are counted here and read at collection: on a cache hit, an SDK
  // counter's add (it hashes its attributes) would cost more than the rest of the hit.
  readonly #allowed: Tally = { attributes: ALLOWED, count: 0 };
  readonly #decisions = new Map<string, Tally>();
  readonly #lookups = lookupTallies();

  constructor(
    api: OpenTelemetryApi | Promise<OpenTelemetryApi | undefined>,
    options: TelemetryOptions,
  ) {
    this.#options = options;
    if (!(api instanceof Promise)) {
      // Passed by the app: recording from the first request.
      this.#api = api;
      this.#instrument();
      return;
    }
    void api.then(
      (loaded) => {
        this.#api = loaded;
        this.#instrument();
      },
      () => undefined,
    );
  }

  decision(outcome: DecisionOutcome, reason: string, status: number): void {
    if (this.#m === undefined) return;
    const key = `${outcome}:${reason}:${status}`;
    const tally = this.#decisions.get(key);
    if (tally !== undefined) tally.count++;
    else
      this.#decisions.set(key, {
        attributes: decisionAttributes(outcome, reason, status),
        count: 1,
      });
  }

  allowed(userId: string | null): void {
    if (this.#m !== undefined) this.#allowed.count++;
    if (userId === null || this.#options.userIds !== true) return;
    this.#api?.trace.getActiveSpan()?.setAttribute("enduser.id", userId);
  }

  cacheLookup(level: CacheLevel, result: CacheResult): void {
    if (this.#m !== undefined) this.#lookups[level][result].count++;
  }

  async upstream<T>(
    operation: UpstreamOperation,
    target: UpstreamTarget,
    run: (call: UpstreamCall) => Promise<T>,
  ): Promise<T> {
    const api = this.#api;
    if (api === undefined) return run({ status() {}, timedOut() {} });
    // A meter provider registered after createAuth is picked up at the next outbound call.
    if (this.#m === undefined) this.#instrument();
    const attributes = upstreamAttributes(operation, target);
    const tracer = (this.#options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(
      INSTRUMENTATION_NAME,
    );
    const parent = api.context.active();
    const span = tracer.startSpan(
      `auth ${operation}`,
      { kind: SPAN_KIND_CLIENT, attributes },
      parent,
    );
    let timedOut = false;
    const call: UpstreamCall = {
      status(code) {
        attributes["http.response.status_code"] = code;
        span.setAttribute("http.response.status_code", code);
      },
      timedOut() {
        timedOut = true;
      },
    };
    const started = performance.now();
    let outcome: UpstreamOutcome = "ok";
    try {
      return await api.context.with(api.trace.setSpan(parent, span), () => run(call));
    } catch (error) {
      outcome = timedOut ? "timeout" : statusOf(error) === 401 ? "rejected" : "error";
      if (outcome !== "rejected") {
        attributes["error.type"] = timedOut ? "timeout" : errorType(error);
        span.setAttribute("error.type", attributes["error.type"]);
        span.setStatus({ code: STATUS_ERROR });
      }
      throw error;
    } finally {
      attributes["auth.upstream.outcome"] = outcome;
      span.setAttribute("auth.upstream.outcome", outcome);
      span.end();
      this.#m?.upstream.record?.((performance.now() - started) * SECONDS, attributes);
    }
  }

  limiterRefused(): void {
    this.#m?.refusals.add?.(1);
  }

  eventPublished(type: "revoke" | "invalidate"): void {
    this.#m?.published.add?.(1, { "auth.revocation.type": type });
  }

  eventReceived(type: "revoke" | "invalidate", delayMs: number): void {
    const m = this.#m;
    if (m === undefined) return;
    const attributes = { "auth.revocation.type": type };
    m.received.add?.(1, attributes);
    m.delay.record?.(Math.max(0, delayMs) * SECONDS, attributes);
  }

  observe(sources: TelemetrySources): void {
    this.#sources = sources;
  }

  /** Creates the instruments once a meter provider that records is there. */
  #instrument(): void {
    const api = this.#api;
    if (api === undefined || this.#m !== undefined) return;
    const meter = (this.#options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(
      INSTRUMENTATION_NAME,
    );
    // No SDK registered: the metric calls stay one field check (as without the API).
    if (meter === api.createNoopMeter()) return;
    this.#m = createInstruments(meter);
    this.#m.decisions.addCallback((result) => {
      for (const tally of [this.#allowed, ...this.#decisions.values()]) {
        if (tally.count > 0) result.observe(tally.count, tally.attributes);
      }
    });
    this.#m.lookups.addCallback((result) => {
      for (const level of LEVELS) {
        for (const tally of Object.values(this.#lookups[level])) {
          if (tally.count > 0) result.observe(tally.count, tally.attributes);
        }
      }
    });
    this.#m.limiterActive.addCallback((result) => {
      const load = this.#sources?.limiter();
      if (load !== undefined) result.observe(load.active);
    });
    this.#m.limiterQueued.addCallback((result) => {
      const load = this.#sources?.limiter();
      if (load !== undefined) result.observe(load.queued);
    });
    this.#m.redisLink.addCallback((result) => {
      const link = this.#sources?.redis();
      if (link === undefined) return;
      result.observe(link.ready ? 1 : 0, { "auth.redis.connection": "command" });
      result.observe(link.subscribed ? 1 : 0, { "auth.redis.connection": "subscriber" });
    });
  }
}

function createInstruments(meter: OtelMeter): Instruments {
  const made: Record<string, OtelRecorder | OtelObservable> = {};
  for (const [key, spec] of Object.entries(INSTRUMENTS) as [string, InstrumentSpec][]) {
    const options = { description: spec.description, unit: spec.unit };
    made[key] = meter[MAKERS[spec.kind]](
      spec.name,
      spec.buckets === undefined
        ? options
        : { ...options, advice: { explicitBucketBoundaries: [...spec.buckets] } },
    );
  }
  return made as Instruments;
}

/** A decision's attributes (made once per outcome, reason and status: a small, fixed set). */
function decisionAttributes(outcome: DecisionOutcome, reason: string, status: number) {
  return Object.freeze({
    "auth.decision.outcome": outcome,
    "auth.decision.reason": reason,
    ...(status === 0 ? {} : { "http.response.status_code": status }),
  });
}

/** The call's attributes: its operation, method, host and port (never its path or query). */
function upstreamAttributes(operation: UpstreamOperation, target: UpstreamTarget) {
  const attributes: OtelAttributes = {
    "auth.upstream.operation": operation,
    "http.request.method": target.method,
  };
  try {
    const url = new URL(target.url);
    attributes["server.address"] = url.hostname;
    attributes["server.port"] = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  } catch {
    // An unparsable URL fails the call itself; the span says so through its outcome.
  }
  return attributes;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** The error's stable code (an AuthError's `code`), else its class name: never its message. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[a-z_]{1,40}$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && /^[A-Za-z]{1,40}$/.test(name) ? name : "_OTHER";
}
