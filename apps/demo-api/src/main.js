// Entry point of `pnpm --filter @org/demo-api start`: env-only configuration.
import { readConfig } from "./config.js";
import { createDemoApi } from "./server.js";

const config = readConfig(process.env);
const api = createDemoApi({
  webOrigins: config.webOrigins,
  stepUpMaxAgeSeconds: config.stepUpMaxAgeSeconds,
});

// A fresh instance takes traffic only once its shared cache (Redis) is attached: before that it
// cannot see a revocation made elsewhere. Redis down: it starts alone after the bound.
const READY_BOUND_MS = 5000;
await Promise.race([
  api.ready().catch(() => undefined),
  new Promise((resolve) => setTimeout(resolve, READY_BOUND_MS).unref()),
]);

api.server.listen(config.port, config.host, () => {
  const address = api.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  // One machine-readable line: the E2E and `pnpm demo` wait for it.
  console.log(`demo-api listening on http://${config.host}:${port}`);
});

/** @param {NodeJS.Signals} signal */
function shutdown(signal) {
  console.log(`demo-api: ${signal}, closing`);
  api.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
