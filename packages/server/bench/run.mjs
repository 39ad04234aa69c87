// `pnpm --filter @org/auth-server bench`: every benchmark suite in one run, against dist/.
// Each suite is a module exporting `run()`; add new ones (e.g. ./jwt.mjs) to this list.
const SUITES = ["./proxy.mjs", "./jwt.mjs", "./dpop.mjs", "./otel.mjs"];

for (const suite of SUITES) {
  const { run } = await import(suite);
  await run();
}
