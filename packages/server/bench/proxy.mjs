// Proxy-mode cases: the same route on Express, Fastify and node:http, without auth and with
// proxy-mode auth on a cache hit (interleaved runs); then upstream calls for 1,000 concurrent
// requests carrying one new token.
import {
  burst,
  compare,
  describeRuns,
  formatRatio,
  printTable,
  startServer,
  startStandInProxy,
} from "./lib.mjs";

const SERVER = new URL("./server.mjs", import.meta.url);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? "express,fastify,node").split(",");
const LABELS = { express: "Express 5", fastify: "Fastify 5", node: "node:http" };
const TOKEN = "bench-token.cache-hit";

export async function run() {
  const proxy = await startStandInProxy(new Set([TOKEN]));
  const env = { OXAIGEN_AUTH_PROXY_URL_OVERRIDE: proxy.url, NODE_ENV: "production" };
  // Every variant gets byte-identical requests (the no-auth route ignores the header), so the
  // ratio is the cost of auth, not of parsing a longer request.
  const load = { path: "/hello", headers: { authorization: `Bearer ${TOKEN}` } };
  const rows = [];
  try {
    console.log(`\n## Proxy mode, cache hit: ${describeRuns()}\n`);
    for (const framework of FRAMEWORKS) {
      const result = await compare({
        script: SERVER,
        args: [framework],
        env,
        variants: ["none", "floor", "floor-sha256", "auth"].map((name) => ({ name, load })),
      });
      const { none, floor, auth } = result;
      const floorSha = result["floor-sha256"];
      rows.push([
        LABELS[framework],
        Math.round(none.rps).toString(),
        Math.round(auth.rps).toString(),
        formatRatio(auth),
        `${none.cpuPerRequest.toFixed(1)} / ${auth.cpuPerRequest.toFixed(1)}`,
        auth.cpuRatio.toFixed(2),
        `${floor.rpsRatio.toFixed(2)} / ${floor.cpuRatio.toFixed(2)}`,
        `${floorSha.rpsRatio.toFixed(2)} / ${floorSha.cpuRatio.toFixed(2)}`,
      ]);
    }
    printTable(
      [
        "framework",
        "no auth (req/s)",
        "proxy auth, cache hit (req/s)",
        "ratio (req/s), median (range over rounds)",
        "server CPU µs/req (no auth / auth)",
        "ratio (CPU)",
        "floor ratio (req/s / CPU)",
        "floor + sha256 ratio (req/s / CPU)",
      ],
      rows,
    );
    console.log(
      "\nfloor: the least any auth does on that framework, measured in the same run: read the Authorization header through the framework's API, then attach a constant user (Express middleware, Fastify preHandler) or answer after a promise hop (node:http). floor + sha256 adds the one sha256 of scope and token per request that cache keys require.\n",
    );
    await singleFlight(env);
  } finally {
    await proxy.close();
  }
}

async function singleFlight(env) {
  console.log("\n## Single flight: 1,000 concurrent requests carrying one new token\n");
  const flight = [];
  const slowProxy = await startStandInProxy(new Set(), { delayMs: 200 });
  try {
    for (const framework of FRAMEWORKS) {
      const token = `fresh-${framework}-token`;
      slowProxy.tokens.add(token);
      const server = await startServer(SERVER, [framework, "auth"], {
        ...env,
        OXAIGEN_AUTH_PROXY_URL_OVERRIDE: slowProxy.url,
      });
      try {
        const before = slowProxy.calls.getMe;
        const { ok, total } = await burst(
          `${server.url}/hello`,
          { authorization: `Bearer ${token}` },
          1000,
        );
        flight.push([LABELS[framework], `${ok}/${total}`, String(slowProxy.calls.getMe - before)]);
      } finally {
        await server.close();
      }
    }
  } finally {
    await slowProxy.close();
  }
  printTable(["framework", "2xx answers", "upstream get-me calls (target 1)"], flight);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
