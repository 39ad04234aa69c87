import { defineConfig } from "tsup";

const entry = { index: "src/index.ts", msw: "src/msw.ts", testing: "src/testing.ts" };

export default defineConfig([
  {
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
  },
  {
    entry,
    format: ["cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    // jose is ES-module-only. Node 20.19+ can require() it, but Jest's module runtime cannot
    // (before Node 24.9), so `require("@org/auth-mock-server/testing")` under Jest failed: the
    // CommonJS build carries its own copy.
    noExternal: ["jose"],
  },
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
