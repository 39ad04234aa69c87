// In-process bench beside the socket one: requests are injected without sockets
// (light-my-request for Express and node:http, Fastify's inject, Hono's app.request), one child
// process per variant and round, CPU µs per request from process.cpuUsage. Compares two builds
// of the SDK in one run: `pnpm bench:inprocess [before dist] [after dist]` (default after:
// ./dist, before: BENCH_BEFORE_DIST). Every measured request is a cache hit.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? "express,fastify,hono,node").split(",");
const after = resolve(process.argv[3] ?? join(here, "..", "dist"));
const before = process.argv[2] ?? process.env.BENCH_BEFORE_DIST;
const builds = { none: after, after, ...(before === undefined ? {} : { before: resolve(before) }) };

function measure(framework, variant) {
  const out = execFileSync(
    process.execPath,
    [join(here, "inprocess-child.mjs"), framework, variant, builds[variant], String(REQUESTS)],
    { cwd: join(here, ".."), encoding: "utf8", timeout: 300_000 },
  );
  return JSON.parse(out.trim().split("\n").at(-1)).cpuUs;
}

const samples = {};
for (let round = 1; round <= ROUNDS; round++) {
  // Variants interleaved within a round, in a rotating order, so drift hits them alike.
  const variants = Object.keys(builds);
  const order = variants.map((_, i) => variants[(i + round) % variants.length]);
  for (const framework of FRAMEWORKS) {
    for (const variant of order) {
      const key = `${framework}/${variant}`;
      samples[key] = [...(samples[key] ?? []), measure(framework, variant)];
    }
  }
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (xs) =>
  `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

console.log(
  `\nCPU µs per request, median (range) of ${ROUNDS} rounds × ${REQUESTS} cache-hit requests\n`,
);
console.log("| framework | no auth | before | after | after ÷ before | beyond the spread? |");
console.log("|---|---|---|---|---|---|");
for (const framework of FRAMEWORKS) {
  const none = samples[`${framework}/none`];
  const a = samples[`${framework}/after`];
  const b = samples[`${framework}/before`];
  const ratio = b === undefined ? "–" : (median(a) / median(b)).toFixed(3);
  const beyond =
    b === undefined
      ? "–"
      : Math.min(...a) > Math.max(...b)
        ? "yes, slower"
        : Math.max(...a) < Math.min(...b)
          ? "yes, faster"
          : "no (ranges overlap)";
  console.log(
    `| ${framework} | ${fmt(none)} | ${b === undefined ? "–" : fmt(b)} | ${fmt(a)} | ${ratio} | ${beyond} |`,
  );
}
