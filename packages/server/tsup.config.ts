import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    express: "src/bindings/express/index.ts",
    fastify: "src/bindings/fastify/index.ts",
    hono: "src/bindings/hono/index.ts",
    node: "src/bindings/node/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
});
