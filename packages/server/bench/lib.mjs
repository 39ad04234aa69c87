// Shared benchmark helpers: loopback only, bounded duration, servers in child processes so the
// load generator (this process) and the server under test do not share an event loop.
import { execFileSync, fork } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export const DURATION = Number(process.env.BENCH_DURATION ?? 2);
export const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

/**
 * On Linux with taskset and ≥ 2 cores, the load generator (this process) runs on CPU 0 and every
 * server on CPU 1 (BENCH_PIN=0 turns this off): otherwise the scheduler moves them around and
 * req/s swing by ±40 % between identical runs on a 2-core machine.
 */
const SERVER_CPU = pinLoadGenerator();

function pinLoadGenerator() {
  if (process.env.BENCH_PIN === "0" || availableParallelism() < 2) return undefined;
  try {
    const [client, server] = (process.env.BENCH_PIN ?? "0,1").split(",");
    execFileSync("taskset", ["-p", "-c", client, String(process.pid)], { stdio: "ignore" });
    return server;
  } catch {
    return undefined;
  }
}

/** `[command, args]` that run `command args` on the servers' CPU (under `taskset -c <cpu>`). */
export function onServerCpu(command, args) {
  return SERVER_CPU === undefined
    ? [command, args]
    : ["taskset", ["-c", SERVER_CPU, command, ...args]];
}

/** fork() options that start the child under `taskset -c <cpu>`. */
function pinned(cpu) {
  if (cpu === undefined) return {};
  return { execPath: "taskset", execArgv: ["-c", cpu, process.execPath] };
}

export { startStandInProxy } from "./standInProxy.mjs";

/**
 * Forks a server script; it must `process.send({ ports: { [name]: port } })` once listening, one
 * port per variant it hosts. `url` is the first variant's.
 */
export async function startServer(script, args, env) {
  const child = fork(fileURLToPath(script), args, {
    ...pinned(SERVER_CPU),
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const message = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`${script} ${args.join(" ")} exited (${code})`)));
  });
  const urls = Object.fromEntries(
    Object.entries(message.ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
  );
  return {
    url: Object.values(urls)[0],
    urls,
    /** User + system CPU microseconds the server has used so far. */
    cpu: async () => {
      child.send("cpu");
      const [{ cpu }] = await once(child, "message");
      return cpu.user + cpu.system;
    },
    close: async () => {
      child.kill();
      await once(child, "exit");
    },
  };
}

/** Runs autocannon and resolves its result. */
export function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * One bounded run against `url`: req/s, and the server's CPU µs per request (less sensitive to
 * other load on the machine than req/s). Fails loudly on non-2xx answers.
 */
async function measureOnce(server, url, load, duration) {
  const options = { ...load, url: url + load.path, connections: CONNECTIONS, duration };
  const cpuBefore = await server.cpu();
  const result = await cannon(options);
  const cpuUsed = (await server.cpu()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { rps: result.requests.average, cpuPerRequest: cpuUsed / result.requests.total };
}

/** [lowest, highest] of the values. */
function range(values) {
  return [Math.min(...values), Math.max(...values)];
}

/** A req/s ratio as "median (lowest–highest round)", so a table shows its own spread. */
export function formatRatio({ rpsRatio, rpsRatioRange: [low, high] }) {
  return `${rpsRatio.toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`;
}

/** The median of the values. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * BENCH_ISOLATE=1: one server process per variant instead of all variants in one process. The
 * default (shared) measures every variant in the same process, so JIT tiering, heap layout and
 * CPU placement — which differ lastingly between processes and moved identical variants by up to
 * ±15 % here — are common to all variants and cancel out of the ratios.
 */
const ISOLATE = process.env.BENCH_ISOLATE === "1";

/**
 * Interleaved comparison. Each round starts fresh server processes (shared: one hosting every
 * variant on its own port; isolated: one per variant), warms every variant up, then runs them
 * back to back in an order rotated per round, so drift on a shared machine hits all variants
 * alike. Each variant is compared with the first (the baseline) of the same round; medians over
 * rounds.
 *
 * Takes { script, args, env, variants: [{ name, load: autocannon options incl. `path` }] }; the
 * script is started with `[...args, "name1,name2,…"]`.
 * Resolves { [name]: { rps, cpuPerRequest, rpsRatio, rpsRatioRange, cpuRatio } } (medians; ratios vs baseline,
 * the CPU ratio as baseline µs / variant µs so that 1.00 means "costs nothing").
 */
export async function compare({ script, args, env, variants }) {
  const names = variants.map((variant) => variant.name);
  const groups = ISOLATE ? names.map((name) => [name]) : [names];
  const runs = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const hosts = [];
    try {
      for (const group of groups)
        hosts.push(await startServer(script, [...args, group.join(",")], env));
      const target = (name) => {
        const server = hosts.find((host) => host.urls[name] !== undefined);
        return { server, url: server.urls[name] };
      };
      for (const variant of variants) {
        const { server, url } = target(variant.name);
        await measureOnce(server, url, variant.load, WARMUP);
      }
      for (let k = 0; k < variants.length; k++) {
        const i = (k + round) % variants.length;
        const { server, url } = target(variants[i].name);
        runs[i].push(await measureOnce(server, url, variants[i].load, DURATION));
      }
    } finally {
      await Promise.all(hosts.map((host) => host.close()));
    }
  }
  const base = runs[0];
  return Object.fromEntries(
    variants.map((variant, i) => {
      const rpsRatios = runs[i].map((run, round) => run.rps / base[round].rps);
      return [
        variant.name,
        {
          rps: median(runs[i].map((run) => run.rps)),
          cpuPerRequest: median(runs[i].map((run) => run.cpuPerRequest)),
          rpsRatio: median(rpsRatios),
          rpsRatioRange: range(rpsRatios),
          cpuRatio: median(
            runs[i].map((run, round) => base[round].cpuPerRequest / run.cpuPerRequest),
          ),
        },
      ];
    }),
  );
}

/** Fires `count` concurrent requests (one connection each) and waits for all answers. */
export async function burst(url, headers, count) {
  const result = await cannon({ url, headers, connections: count, amount: count, timeout: 30 });
  return { ok: result["2xx"], total: result.requests.total };
}

/** How a run was measured, for the section headings. */
export function describeRuns() {
  const hosts = ISOLATE
    ? "a fresh server process per variant"
    : "all variants in one fresh server process";
  return `${ROUNDS} rounds (${hosts} each) of ${DURATION}s per variant after a ${WARMUP}s warm-up, variants interleaved, ${CONNECTIONS} connections, medians`;
}

/** Prints rows as a Markdown table (also pasted into the README). */
export function printTable(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  console.log(line(header));
  console.log(line(header.map(() => "---")));
  for (const row of rows) console.log(line(row));
}
