import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { TelemetryOptions } from "../src/telemetry/openTelemetry.js";

// Spans of an async call must find their parent: the context manager the Node SDK registers.
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** One exported data point, flattened: the metric's name and the point's attributes and value. */
export interface Point {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  /** A counter's sum, a gauge's value, a histogram's count. */
  value: number;
}

/**
 * The real OpenTelemetry SDK with in-memory exporters, handed to `createAuth({ telemetry })`
 * (no global provider: tests do not see each other's data).
 */
export interface OtelRecorder {
  telemetry: TelemetryOptions;
  tracer: api.Tracer;
  /** Collects and exports every metric, then returns the points. */
  points(): Promise<Point[]>;
  spans(): ReadableSpan[];
  /** Everything exported (metrics and spans), as JSON: what a token search looks through. */
  exported(): Promise<string>;
  close(): Promise<void>;
}

export function startOtelRecorder(options: Partial<TelemetryOptions> = {}): OtelRecorder {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const collect = async () => {
    await reader.forceFlush();
    return metricExporter.getMetrics();
  };
  return {
    telemetry: { api, meterProvider, tracerProvider, ...options },
    tracer: tracerProvider.getTracer("test"),
    async points() {
      const exported = await collect();
      const last = exported.at(-1);
      const points: Point[] = [];
      for (const scope of last?.scopeMetrics ?? []) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints) {
            const value = point.value as number | { count: number };
            points.push({
              name: metric.descriptor.name,
              unit: metric.descriptor.unit,
              attributes: point.attributes,
              value: typeof value === "number" ? value : value.count,
            });
          }
        }
      }
      return points;
    },
    spans: () => spanExporter.getFinishedSpans(),
    async exported() {
      const metrics = await collect();
      const spans = spanExporter.getFinishedSpans().map((span) => ({
        name: span.name,
        kind: span.kind,
        attributes: span.attributes,
        events: span.events,
        links: span.links,
        status: span.status,
        resource: span.resource.attributes,
      }));
      return JSON.stringify({ metrics, spans });
    },
    async close() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

/** The summed value of the points of `name` whose attributes include `match`. */
export function total(points: Point[], name: string, match: Record<string, unknown> = {}): number {
  return points
    .filter(
      (point) =>
        point.name === name &&
        Object.entries(match).every(([key, value]) => point.attributes[key] === value),
    )
    .reduce((sum, point) => sum + point.value, 0);
}
