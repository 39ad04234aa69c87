// The parts of `@opentelemetry/api` the SDK uses, restated by shape so that the package's types
// need no @opentelemetry/api installed (an optional peer dependency). The real module fits them.

/**
 * Attribute values the SDK records: strings and numbers only.
 *
 * @example
 * const attributes: OtelAttributes = { "auth.outcome": "refused", "http.response.status_code": 401 };
 */
export type OtelAttributes = Record<string, string | number | boolean>;

/**
 * A counter or histogram of `@opentelemetry/api`.
 *
 * @example
 * const counter: OtelRecorder = meter.createCounter("auth.decisions");
 */
export interface OtelRecorder {
  /** Adds to a counter. */
  add?(value: number, attributes?: OtelAttributes): void;
  /** Records a histogram value. */
  record?(value: number, attributes?: OtelAttributes): void;
}

/**
 * An observable gauge or counter of `@opentelemetry/api`.
 *
 * @example
 * const gauge: OtelObservable = meter.createObservableGauge("auth.limiter.queued");
 */
export interface OtelObservable {
  /** Registers the function that reports the current value when the SDK collects. */
  addCallback(
    callback: (result: { observe(value: number, attributes?: OtelAttributes): void }) => void,
  ): void;
}

/**
 * A `Meter` of `@opentelemetry/api`.
 *
 * @example
 * const meter: OtelMeter = metrics.getMeterProvider().getMeter("@org/auth-server");
 */
export interface OtelMeter {
  /** Makes a counter. */
  createCounter(name: string, options?: object): OtelRecorder;
  /** Makes a histogram. */
  createHistogram(name: string, options?: object): OtelRecorder;
  /** Makes a gauge read when the SDK collects. */
  createObservableGauge(name: string, options?: object): OtelObservable;
  /** Makes a counter read when the SDK collects. */
  createObservableCounter(name: string, options?: object): OtelObservable;
}

/**
 * A `MeterProvider` of `@opentelemetry/api` (or of the SDK).
 *
 * @example
 * const auth = createAuth({ telemetry: { api, meterProvider: new MeterProvider({ readers }) } });
 */
export interface OtelMeterProvider {
  /** The meter of an instrumentation scope. */
  getMeter(name: string, version?: string): OtelMeter;
}

/**
 * A `Span` of `@opentelemetry/api`.
 *
 * @example
 * const span: OtelSpan | undefined = trace.getActiveSpan();
 */
export interface OtelSpan {
  /** Sets one attribute. */
  setAttribute(key: string, value: string | number | boolean): unknown;
  /** Sets the status (`2`: error). */
  setStatus(status: { code: number }): unknown;
  /** Ends the span. */
  end(): void;
}

/**
 * A `Tracer` of `@opentelemetry/api`.
 *
 * @example
 * const tracer: OtelTracer = trace.getTracerProvider().getTracer("@org/auth-server");
 */
export interface OtelTracer {
  /** Starts a span (a child of `context`'s span). */
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: OtelAttributes },
    context?: unknown,
  ): OtelSpan;
}

/**
 * A `TracerProvider` of `@opentelemetry/api` (or of the SDK).
 *
 * @example
 * const auth = createAuth({ telemetry: { api, tracerProvider: provider } });
 */
export interface OtelTracerProvider {
  /** The tracer of an instrumentation scope. */
  getTracer(name: string, version?: string): OtelTracer;
}

/**
 * The `@opentelemetry/api` module (`import * as api from "@opentelemetry/api"`), as far as the
 * SDK uses it.
 *
 * @example
 * import * as api from "@opentelemetry/api";
 * const auth = createAuth({ telemetry: { api } });
 */
export interface OpenTelemetryApi {
  /** The metrics API. */
  metrics: {
    /** The global meter provider (a no-op one until an SDK registers). */
    getMeterProvider(): OtelMeterProvider;
  };
  /** The trace API. */
  trace: {
    /** The global tracer provider. */
    getTracerProvider(): OtelTracerProvider;
    /** A context with `span` as its active span. */
    setSpan(context: unknown, span: OtelSpan): unknown;
    /** The span of the active context, if any. */
    getActiveSpan(): OtelSpan | undefined;
  };
  /** The context API. */
  context: {
    /** The active context. */
    active(): unknown;
    /** Runs `fn` with `context` active. */
    with<T>(context: unknown, fn: () => T): T;
  };
  /** A meter that records nothing (how the SDK tells that no SDK is registered). */
  createNoopMeter(): OtelMeter;
}
