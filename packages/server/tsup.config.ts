import { defineConfig, type Options } from "tsup";

const shared: Options = {
  entry: {
    index: "src/index.ts",
    express: "src/bindings/express/index.ts",
    fastify: "src/bindings/fastify/index.ts",
    hono: "src/bindings/hono/index.ts",
    node: "src/bindings/node/index.ts",
    // `#platform` (package.json "imports"): the runtime picks one by export condition.
    "platform-node": "src/platform/node.ts",
    "platform-web": "src/platform/web.ts",
  },
  external: ["#platform"],
  // The private @org/auth-user package (the one User shape, shared with @org/auth-react) is
  // bundled, code and types: it is never published, so nothing may import it at run time.
  // jose's code is bundled too, into the lazy JWT chunk: one file loads in ~10 ms where jose's
  // 46 modules take ~50 ms, on every cold start in JWT mode. Its types still come from "jose".
  noExternal: ["jose", "@org/auth-user"],
  dts: { resolve: ["@org/auth-user"] },
  sourcemap: true,
  target: "node20",
  splitting: true,
  treeshake: true,
};

export default defineConfig([
  { ...shared, format: ["esm"] },
  // Bundling jose also matters for CommonJS: jose 6 ships ESM only, and `require(esm)` needs
  // Node >= 20.19, so CJS consumers work on every Node version `engines` allows (>= 20.18).
  { ...shared, format: ["cjs"] },
]);
