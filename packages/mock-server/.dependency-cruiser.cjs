// The mock's layers: MockAuthError ← config ← core ← proxy · oidc ← handler ← node · msw ←
// testing · cli ← the entry points (src/*.ts). Sibling layers (proxy and oidc, node and msw,
// testing and cli) never import each other.
// Run in packages/mock-server by the root `pnpm lint`; a wrong-way import fails CI.
const { noCycles, options } = require("../../scripts/lint/dependencyCruiserBase.cjs");
const SRC = "^src/";
const notTest = "\\.test\\.ts$";
const ERROR = `${SRC}MockAuthError\\.ts$`;

/** Files of `from` may import only their own folder and `allowed` (folders under src/). */
function only(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: `${SRC}${from}/`, pathNot: notTest },
    to: {
      path: SRC,
      pathNot: [`${SRC}${from}/`, ERROR, ...allowed.map((folder) => `${SRC}${folder}/`)],
    },
  };
}

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    noCycles,
    {
      name: "error-imports-nothing",
      comment: "MockAuthError is the bottom of every layer: it imports nothing of the mock.",
      severity: "error",
      from: { path: ERROR },
      to: { path: SRC },
    },
    only(
      "config-imports-only-config",
      "Settings, their parsers, personas and clients: the shapes everything else is configured with.",
      "config",
      [],
    ),
    only(
      "core-imports-only-config",
      "The request context, stores, signer, tokens and revocation: no endpoint, no adapter.",
      "core",
      ["config"],
    ),
    only(
      "proxy-imports-only-core",
      "The proxy API's endpoints (/_oxa_auth/*) stand on core and config, never on the OpenID provider.",
      "proxy",
      ["core", "config"],
    ),
    only(
      "oidc-imports-only-core",
      "The OpenID provider's endpoints stand on core and config, never on the proxy API.",
      "oidc",
      ["core", "config"],
    ),
    only(
      "handler-below-adapters",
      "createMockAuth routes to the endpoints; it never reaches up into node:http, msw, the testing kit or the CLI.",
      "handler",
      ["proxy", "oidc", "core", "config"],
    ),
    only(
      "node-below-kit",
      "The node:http server wraps the handler; it never reaches up into the testing kit or the CLI.",
      "node",
      ["handler", "proxy", "oidc", "core", "config"],
    ),
    only(
      "msw-below-kit",
      "The msw handlers wrap the handler and run in browsers too: never node/, the testing kit or the CLI.",
      "msw",
      ["handler", "proxy", "oidc", "core", "config"],
    ),
    only(
      "testing-kit-apart-from-cli",
      "The testing kit starts servers; it never imports the CLI.",
      "testing",
      ["node", "msw", "handler", "proxy", "oidc", "core", "config"],
    ),
    only(
      "cli-apart-from-testing-kit",
      "The CLI starts the node:http server; it never imports the testing kit.",
      "cli",
      ["node", "handler", "proxy", "oidc", "core", "config"],
    ),
    {
      name: "no-node-builtins-below-node",
      comment:
        "Everything below node/ also runs in a browser (msw's setupWorker): node: modules only in node/ and cli/.",
      severity: "error",
      from: { path: `${SRC}(config|core|proxy|oidc|handler|msw)/`, pathNot: notTest },
      to: { dependencyTypes: ["core"] },
    },
  ],
  options,
};
