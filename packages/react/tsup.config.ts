import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  minify: false,
  external: ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query"],
});
