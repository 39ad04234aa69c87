import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// React 18 run of the React-layer tests (`pnpm test:react18`): react, react-dom and the libraries
// that import them (@testing-library/react's ESM build, react-query) resolve to the React 18
// install that scripts/test-react18.mjs puts in node_modules/.cache/react18.
const r18 = fileURLToPath(new URL("./node_modules/.cache/react18/node_modules", import.meta.url));
const rtl = fileURLToPath(
  new URL(
    "./node_modules/@testing-library/react/dist/@testing-library/react.esm.js",
    import.meta.url,
  ),
);

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@testing-library\/react$/, replacement: rtl },
      { find: /^react$/, replacement: `${r18}/react/index.js` },
      { find: /^react\/jsx-runtime$/, replacement: `${r18}/react/jsx-runtime.js` },
      { find: /^react\/jsx-dev-runtime$/, replacement: `${r18}/react/jsx-dev-runtime.js` },
      { find: /^react-dom$/, replacement: `${r18}/react-dom/index.js` },
      { find: /^react-dom\/client$/, replacement: `${r18}/react-dom/client.js` },
      { find: /^react-dom\/server$/, replacement: `${r18}/react-dom/server.node.js` },
      { find: /^react-dom\/test-utils$/, replacement: `${r18}/react-dom/test-utils.js` },
    ],
  },
  test: {
    include: ["src/react/**/*.test.tsx", "test/react18.check.ts"],
    environment: "happy-dom",
    testTimeout: 20_000,
    server: { deps: { inline: [/@testing-library/, /@tanstack/] } },
  },
});
