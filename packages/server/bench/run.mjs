// `pnpm --filter @org/auth-server bench`: every benchmark suite in one run, against dist/.
// Each suite is a module exporting `run()`; add new ones (e.g. ./jwt.mjs) to this list.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SUITES = ["./proxy.mjs", "./jwt.mjs", "./dpop.mjs", "./otel.mjs"];
// Scripts that measure on import (they start their own children): each runs in a process of its
// own, after the suites, with the controls the README's figures come from.
const SCRIPTS = [
  ["./jwt-miss-cost.mjs", { BENCH_CONTROLS: "1" }],
  ["./jwt-miss-pipeline.mjs", {}],
  ["./cacheHitByMode.mjs", {}],
];

for (const suite of SUITES) {
  const { run } = await import(suite);
  await run();
}
for (const [script, env] of SCRIPTS) {
  console.log(`\n## ${script.slice(2)}\n`);
  execFileSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
}
