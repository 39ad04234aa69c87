import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
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
