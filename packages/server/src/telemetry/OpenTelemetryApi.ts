// The parts of `@opentelemetry/api` the SDK uses, restated by shape so that the package's types
// need no @opentelemetry/api installed (an optional peer dependency). The real module fits them.

/** Attribute values the SDK records: strings and numbers only. */
export type OtelAttributes = Record<string, string | number | boolean>;

/** A counter or histogram of `@opentelemetry/api`. */
export interface OtelRecorder {
  add?(value: number, attributes?: OtelAttributes): void;
  record?(value: number, attributes?: OtelAttributes): void;
}

/** An observable gauge of `@opentelemetry/api`. */
export interface OtelObservable {
  addCallback(
    callback: (result: { observe(value: number, attributes?: OtelAttributes): void }) => void,
  ): void;
}

/** A `Meter` of `@opentelemetry/api`. */
export interface OtelMeter {
  createCounter(name: string, options?: object): OtelRecorder;
  createHistogram(name: string, options?: object): OtelRecorder;
  createObservableGauge(name: string, options?: object): OtelObservable;
  createObservableCounter(name: string, options?: object): OtelObservable;
}

/** A `MeterProvider` of `@opentelemetry/api` (or of the SDK). */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/** A `Span` of `@opentelemetry/api`. */
export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number }): unknown;
  end(): void;
}

/** A `Tracer` of `@opentelemetry/api`. */
export interface OtelTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: OtelAttributes },
    context?: unknown,
  ): OtelSpan;
}

/** A `TracerProvider` of `@opentelemetry/api` (or of the SDK). */
export interface OtelTracerProvider {
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
  metrics: { getMeterProvider(): OtelMeterProvider };
  trace: {
    getTracerProvider(): OtelTracerProvider;
    setSpan(context: unknown, span: OtelSpan): unknown;
    getActiveSpan(): OtelSpan | undefined;
  };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  createNoopMeter(): OtelMeter;
}
