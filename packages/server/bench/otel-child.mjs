// One variant of the OpenTelemetry bench (see otel.mjs), in its own process: CPU µs per cache
// hit, as a call (`auth.getCurrentUser`) and as a node:http request injected without sockets.
// argv: <variant> <dist dir> <requests>. Variants: absent (@opentelemetry/api not installed: the
// parent makes it unresolvable), off (`telemetry: false`), api (installed, no SDK registered),
// sdk (the SDK's meter and tracer providers and its context manager registered, recording, as an
// app's NodeSDK would), sdk-off (the same SDK registered, the SDK's telemetry off: what the
// OpenTelemetry SDK itself costs the process).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startStandInProxy } from "./standInProxy.mjs";

const [variant, dist, requestsArg] = process.argv.slice(2);
const REQUESTS = Number(requestsArg);
const WARMUP = Math.min(20_000, REQUESTS);
const TOKEN = "bench-token.abc_DEF-123";
const headers = { authorization: `Bearer ${TOKEN}`, host: "app.example.com" };
const load = (entry) => import(pathToFileURL(join(dist, `${entry}.js`)).href);

if (variant === "sdk" || variant === "sdk-off") {
  const api = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const {
    MeterProvider,
    PeriodicExportingMetricReader,
    InMemoryMetricExporter,
    AggregationTemporality,
  } = await import("@opentelemetry/sdk-metrics");
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(
    "@opentelemetry/sdk-trace-base"
  );
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  api.trace.setGlobalTracerProvider(
    new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
    }),
  );
}

// A stand-in auth proxy: answers the one get-me; every measured request is a cache hit.
const proxy = await startStandInProxy();

const { createAuth } = await load("index");
const auth = createAuth({
  env: {},
  proxyUrlOverride: proxy.url,
  logger: { warn() {} },
  ...(variant === "off" || variant === "sdk-off" ? { telemetry: false } : {}),
});
// The first request fills the cache (and lets the lazy import of the API settle).
const ctx = { headers };
await auth.getCurrentUser(ctx);
await new Promise((resolve) => setTimeout(resolve, 50));

const { inject } = await import("light-my-request");
const { getCurrentUser, sendError } = await load("node");
const handler = (req, res) =>
  getCurrentUser(req, { auth }).then(
    (user) => res.end(JSON.stringify({ id: user.id })),
    (error) => sendError(res, error),
  );

async function calls(count) {
  for (let i = 0; i < count; i++) await auth.getCurrentUser(ctx);
}
async function requests(count) {
  for (let i = 0; i < count; i++) {
    const res = await inject(handler, { method: "GET", url: "/me", headers });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  }
}
async function cpuPer(fn, count) {
  await fn(WARMUP);
  const start = process.cpuUsage();
  await fn(count);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const callUs = await cpuPer(calls, REQUESTS * 5);
const requestUs = await cpuPer(requests, REQUESTS);
console.log(JSON.stringify({ variant, callUs, requestUs }));
await auth.close();
await proxy.close();
