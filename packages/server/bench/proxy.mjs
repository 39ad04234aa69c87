// Proxy-mode cases: the same route on Express, Fastify and node:http, without auth and with
// proxy-mode auth on a cache hit; then upstream calls for 1,000 concurrent requests, one new token.
import {
  burst,
  CONNECTIONS,
  DURATION,
  measure,
  printTable,
  ROUNDS,
  startServer,
  startStandInProxy,
} from "./lib.mjs";

const SERVER = new URL("./server.mjs", import.meta.url);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? "express,fastify,node").split(",");
const TOKEN = "bench-token.cache-hit";

export async function run() {
  const proxy = await startStandInProxy(new Set([TOKEN]));
  const env = { OXAIGEN_AUTH_PROXY_URL_OVERRIDE: proxy.url, NODE_ENV: "production" };
  const rows = [];
  try {
    console.log(
      `\n## Proxy mode: ${DURATION}s per run after a warm-up, ${CONNECTIONS} connections, best of ${ROUNDS} rounds\n`,
    );
    for (const framework of FRAMEWORKS) {
      const best = {
        none: { rps: 0, cpuPerRequest: Infinity },
        auth: { rps: 0, cpuPerRequest: Infinity },
      };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate the variants so drift on the machine hits both alike.
        for (const mode of round % 2 === 0 ? ["none", "auth"] : ["auth", "none"]) {
          const server = await startServer(SERVER, [framework, mode], env);
          try {
            const headers = mode === "auth" ? { authorization: `Bearer ${TOKEN}` } : {};
            const { rps, cpuPerRequest } = await measure(server, "/hello", headers);
            best[mode].rps = Math.max(best[mode].rps, rps);
            best[mode].cpuPerRequest = Math.min(best[mode].cpuPerRequest, cpuPerRequest);
          } finally {
            await server.close();
          }
        }
      }
      const { none, auth } = best;
      rows.push([
        { express: "Express 5", fastify: "Fastify 5", node: "node:http" }[framework],
        Math.round(none.rps).toString(),
        Math.round(auth.rps).toString(),
        (auth.rps / none.rps).toFixed(2),
        `${none.cpuPerRequest.toFixed(1)} / ${auth.cpuPerRequest.toFixed(1)}`,
        (none.cpuPerRequest / auth.cpuPerRequest).toFixed(2),
      ]);
    }
    printTable(
      [
        "framework",
        "no auth (req/s)",
        "proxy auth, cache hit (req/s)",
        "ratio (req/s)",
        "server CPU µs/req (no auth / auth)",
        "ratio (CPU)",
      ],
      rows,
    );

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
          flight.push([framework, `${ok}/${total}`, String(slowProxy.calls.getMe - before)]);
        } finally {
          await server.close();
        }
      }
    } finally {
      await slowProxy.close();
    }
    printTable(["framework", "2xx answers", "upstream get-me calls (target 1)"], flight);
  } finally {
    await proxy.close();
  }
}
