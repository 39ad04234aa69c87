import { defineConfig } from "vitest/config";

// One browser, one stack, cases in order: no file parallelism, bounded timeouts everywhere.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 20_000,
  },
});
