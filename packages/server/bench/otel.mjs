// The cost of OpenTelemetry on a cache hit (proxy mode, against dist/): five variants, each in
// its own process, interleaved in one run (order rotated per round), CPU µs per hit from
// process.cpuUsage. `pnpm bench` runs it with the other suites; `node bench/otel.mjs` alone.
// BENCH_ROUNDS (default 7), BENCH_REQUESTS (default 20000 requests; 5× as many calls).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const VARIANTS = ["absent", "off", "api", "sdk-off", "sdk"];
const LABELS = {
  absent: "no OpenTelemetry (@opentelemetry/api not installed)",
  off: "`telemetry: false`",
  api: "API installed, no SDK",
  "sdk-off": "SDK registered, `telemetry: false`",
  sdk: "SDK registered, recording",
};
// The module-graph test's hooks make a package unresolvable, as for an app without it.
const hooks = join(here, "..", "test", "moduleGraph", "recordLoads.mjs");

function measure(variant, requests) {
  const args = [join(here, "otel-child.mjs"), variant, dist, String(requests)];
  const env = { ...process.env };
  if (variant === "absent") {
    args.unshift("--import", pathToFileURL(hooks).href);
    Object.assign(env, {
      MODULE_GRAPH_FILE: "/dev/null",
      MODULE_GRAPH_MISSING: "@opentelemetry/api",
    });
  }
  const out = execFileSync(process.execPath, args, {
    cwd: join(here, ".."),
    encoding: "utf8",
    env,
    timeout: 600_000,
  });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (xs) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const beyond = (xs, base) =>
  Math.min(...xs) > Math.max(...base)
    ? "yes, slower"
    : Math.max(...xs) < Math.min(...base)
      ? "yes, faster"
      : "no (ranges overlap)";

export async function run() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const requests = Number(process.env.BENCH_REQUESTS ?? 20_000);
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, { callUs: [], requestUs: [] }]));
  for (let round = 1; round <= rounds; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
    for (const variant of order) {
      const { callUs, requestUs } = measure(variant, requests);
      samples[variant].callUs.push(callUs);
      samples[variant].requestUs.push(requestUs);
    }
    process.stderr.write(`otel bench: round ${round}/${rounds} done\n`);
  }
  const base = samples.absent;
  console.log(
    `\nOpenTelemetry on a cache hit (proxy mode): CPU µs, median (range) of ${rounds} rounds, one process per variant and round\n`,
  );
  console.log(
    "| variant | `auth.getCurrentUser` call | ÷ none | node:http request (injected) | ÷ none | beyond the spread? (call / request) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const variant of VARIANTS) {
    const s = samples[variant];
    const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
    console.log(
      `| ${LABELS[variant]} | ${fmt(s.callUs)} | ${ratio(s.callUs, base.callUs)} | ${fmt(s.requestUs)} | ${ratio(s.requestUs, base.requestUs)} | ${variant === "absent" ? "–" : `${beyond(s.callUs, base.callUs)} / ${beyond(s.requestUs, base.requestUs)}`} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
