import { fileURLToPath } from "node:url";
import { defineConfig, type Options } from "tsup";

/**
 * lru-cache's runtime-neutral build (its "browser" export: no diagnostics channel), bundled for
 * every runtime alike: its "node" build imports `node:diagnostics_channel` statically, which
 * Workers without nodejs_compat and edge runtimes do not have.
 */
const lruCacheNeutral: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "lru-cache-neutral",
  setup(build) {
    const path = fileURLToPath(
      new URL("./node_modules/lru-cache/dist/esm/browser/index.js", import.meta.url),
    );
    build.onResolve({ filter: /^lru-cache$/ }, () => ({ path }));
  },
};

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
  // 46 modules take ~50 ms, on every cold start in JWT mode; its one type in our API
  // is restated (ProviderKeyResolver). lru-cache (the caches, loaded in every mode) and
  // @noble/hashes' sha256 (the Web build's synchronous hash) are bundled as well: ~30 KB and
  // ~10 KB of code where the installed packages weigh 4.0 MB and 1.8 MB. The published package
  // has no dependencies; undici is an optional peer (see src/platform/undiciTransport.ts).
  // Their licences ship in LICENSE-THIRD-PARTY.md.
  noExternal: ["jose", "@org/auth-user", "lru-cache", "@noble/hashes"],
  esbuildPlugins: [lruCacheNeutral],
  dts: { resolve: ["@org/auth-user"] },
  // No source maps: the build is not minified (names and structure as written), and maps of the
  // bundled code would triple the package (1.5 of its 2.5 MB).
  sourcemap: false,
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
