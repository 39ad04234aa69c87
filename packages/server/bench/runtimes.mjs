// `pnpm --filter @org/auth-server bench:runtimes`: the same Hono route on Node, Bun and Deno,
// without auth and behind the SDK (proxy mode against a stand-in proxy, JWT mode against the
// mock), on a cache hit, with the load generator the Node bench uses (autocannon, this process).
// Each variant runs in its own server process; rounds interleave all of them; medians.
// Bun and Deno are the workspace's pinned devDependencies (npm packages with their binaries, as
// the smoke test uses them): nothing is downloaded at run time.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockServer } from "@org/auth-mock-server";
import {
  CONNECTIONS,
  cannon,
  DURATION,
  median,
  onServerCpu,
  printTable,
  ROUNDS,
  startStandInProxy,
  WARMUP,
} from "./lib.mjs";

const APP = fileURLToPath(new URL("./runtimes-app.mjs", import.meta.url));
const TOKEN = "bench-token.cache-hit";
const rootRequire = createRequire(new URL("../../../package.json", import.meta.url));
const packageDir = (name) => dirname(rootRequire.resolve(`${name}/package.json`));
// Same places as scripts/smoke/runtimes.mjs: the binaries the npm packages install.
const RUNTIMES = {
  Node: { command: process.execPath, args: [APP] },
  Bun: { command: join(packageDir("bun"), "bin/bun.exe"), args: [APP] },
  Deno: {
    command: join(packageDir("deno"), "deno"),
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", APP],
  },
};
const RUNTIME_ENV = { NODE_ENV: "production", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" };
const TICKS_PER_SECOND = 100;

/** Starts one server process on the servers' CPU and resolves once it prints its port. */
async function startApp(runtime, variant, env) {
  const { command, args } = RUNTIMES[runtime];
  const [cmd, argv] = onServerCpu(command, [...args, variant]);
  const child = spawn(cmd, argv, {
    cwd: dirname(APP),
    env: { ...process.env, ...RUNTIME_ENV, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} did not listen in 60 s`)), 60_000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const found = /LISTENING (\d+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(Number(found));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} ${variant} exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hello`,
    cpu: () => cpuTicks(child.pid),
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill();
      await once(child, "exit");
    },
  };
}

/**
 * User + system CPU ticks of a process, all threads (Linux /proc; `taskset` execs, so the pid is
 * the runtime's), so runtimes with server threads are charged for them too. NaN elsewhere.
 */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

/** One bounded autocannon run; fails loudly on any non-2xx answer. */
async function measure(server, headers, duration) {
  const before = server.cpu();
  const result = await cannon({ url: server.url, headers, connections: CONNECTIONS, duration });
  const ticks = server.cpu() - before;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${server.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  const cpuPerRequest = (ticks * 1e6) / TICKS_PER_SECOND / result.requests.total;
  return { rps: result.requests.average, cpuPerRequest };
}

/** Every (runtime, variant) pair: its app argument, env and token. */
function cases(proxyUrl, mockUrl, jwt) {
  const proxyEnv = { OXAIGEN_AUTH_PROXY_URL_OVERRIDE: proxyUrl };
  const variants = {
    none: { app: "none", env: proxyEnv, token: TOKEN },
    proxy: { app: "auth", env: proxyEnv, token: TOKEN },
    jwt: { app: "auth", env: { AUTH_ISSUER: mockUrl, AUTH_AUDIENCE: "oxaigen-mock" }, token: jwt },
  };
  return Object.keys(RUNTIMES).flatMap((runtime) =>
    Object.entries(variants).map(([variant, spec]) => ({ runtime, variant, ...spec })),
  );
}

/** Runs one case in a fresh process: warm-up (fills the cache), then the measured run. */
async function runCase(c, proxy) {
  const server = await startApp(c.runtime, c.app, c.env);
  try {
    const headers = { authorization: `Bearer ${c.token}` };
    await measure(server, headers, WARMUP);
    const getMeBefore = proxy.calls.getMe;
    const result = await measure(server, headers, DURATION);
    if (proxy.calls.getMe !== getMeBefore) {
      throw new Error(`${c.runtime} ${c.variant}: the proxy was asked again, not a cache hit`);
    }
    return result;
  } finally {
    await server.close();
  }
}

function versions() {
  const of = (command, args) =>
    new Promise((resolve) => {
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      child.on("close", () => resolve(out.split("\n")[0].trim()));
    });
  return Promise.all([
    `node ${process.versions.node}`,
    of(RUNTIMES.Bun.command, ["--version"]).then((v) => `bun ${v}`),
    of(RUNTIMES.Deno.command, ["--version"]),
  ]);
}

const ratio = (xs) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

function report(all, runs) {
  const rows = Object.keys(RUNTIMES).map((runtime) => {
    const of = (variant) => all.findIndex((c) => c.runtime === runtime && c.variant === variant);
    const [none, proxy, jwt] = ["none", "proxy", "jwt"].map((v) => runs[of(v)]);
    const rps = (r) => Math.round(median(r.map((x) => x.rps))).toString();
    const cpu = (r) => median(r.map((x) => x.cpuPerRequest)).toFixed(1);
    const vs = (r) => ratio(r.map((x, round) => x.rps / none[round].rps));
    return [
      runtime,
      rps(none),
      rps(proxy),
      vs(proxy),
      rps(jwt),
      vs(jwt),
      `${cpu(none)} / ${cpu(proxy)} / ${cpu(jwt)}`,
    ];
  });
  printTable(
    [
      "runtime",
      "no auth (req/s)",
      "proxy mode, cache hit (req/s)",
      "ratio proxy / no auth, median (range)",
      "JWT mode, cache hit (req/s)",
      "ratio JWT / no auth, median (range)",
      "server CPU µs/req (no auth / proxy / JWT)",
    ],
    rows,
  );
}

export async function run() {
  const proxy = await startStandInProxy(new Set([TOKEN]));
  const mock = await startMockServer({});
  try {
    const jwt = await mock.mock.createAccessToken({ expiresIn: 3600 });
    const all = cases(proxy.url, mock.url, jwt);
    const runs = all.map(() => []);
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order per round, so that drift on a shared machine hits every case alike.
      for (let k = 0; k < all.length; k += 1) {
        const i = (k + round * 4) % all.length;
        runs[i].push(await runCase(all[i], proxy));
      }
    }
    console.log(
      `\n## Runtimes: a Hono route, cache hit (${(await versions()).join(", ")})\n\n` +
        `${ROUNDS} rounds of ${DURATION}s per case after a ${WARMUP}s warm-up, a fresh server process ` +
        `per case, cases interleaved, ${CONNECTIONS} connections, medians; ratios per round ` +
        `against the same runtime's no-auth run (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    report(all, runs);
  } finally {
    await Promise.all([proxy.close(), mock.close()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
