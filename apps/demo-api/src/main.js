// Entry point of `pnpm --filter @org/demo-api start`: env-only configuration.
import { readConfig } from "./config.js";
import { createDemoApi } from "./server.js";

const config = readConfig(process.env);
const api = createDemoApi({ webOrigins: config.webOrigins });

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
