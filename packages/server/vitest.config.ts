import { defineConfig } from "vitest/config";

export default defineConfig({
  // package.json "imports" maps #platform to dist/ by runtime; the tests run Node's, from src/.
  resolve: { alias: { "#platform": new URL("./src/platform/node.ts", import.meta.url).pathname } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
});
