import { defineConfig, type Options } from "tsup";

/**
 * `@org/auth-react/socket` imports the session parts (AuthClientError, the React context…) from
 * the package's main entry, never a copy of them: one React context and one error class, in the
 * ES-module and the CommonJS build alike.
 */
const mainEntryAsPackage: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "main-entry-as-package",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index$/ }, (args) =>
      args.importer.includes("/src/socket/") ? { path: "@org/auth-react", external: true } : null,
    );
  },
};

export default defineConfig({
  entry: { index: "src/index.ts", socket: "src/socket.ts" },
  esbuildPlugins: [mainEntryAsPackage],
  // The lazy chunks (sign-in, DPoP) keep their plain names: a hash in the name an app's import()
  // names costs page-load bytes, and two chunks of one name (a shared one) fail the build.
  esbuildOptions(options) {
    options.chunkNames = "[name]";
  },
  format: ["esm", "cjs"],
  // The private @org/auth-user package (the one User shape) is bundled, code and types: it is
  // never published, so it must not become a runtime dependency.
  dts: { resolve: ["@org/auth-user"] },
  noExternal: ["@org/auth-user"],
  sourcemap: true,
  clean: true,
  target: "es2022",
  minify: false,
  // React Server Components: the provider and hooks are client components, so an App Router
  // server component can render <AuthProvider> without a wrapper file of its own.
  banner: { js: '"use client";' },
  external: ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query"],
});
