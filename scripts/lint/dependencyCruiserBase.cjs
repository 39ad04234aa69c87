// What every package's dependency-cruiser config shares: no import cycles (type-only and
// dynamic ones included) and how the TypeScript sources are read. Each package adds its layers.
const SRC = "^src/";

/** The rule every package has: no import cycles inside src/. */
const noCycles = {
  name: "no-cycles",
  comment: "No import cycles, type-only and dynamic ones included.",
  severity: "error",
  from: { path: SRC },
  to: { circular: true },
};

/** @type {import("dependency-cruiser").IConfiguration["options"]} */
const options = {
  tsPreCompilationDeps: true,
  tsConfig: { fileName: "tsconfig.json" },
  doNotFollow: { path: "node_modules" },
  exclude: { path: "(^|/)dist/" },
};

module.exports = { noCycles, options };
