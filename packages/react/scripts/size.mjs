#!/usr/bin/env node
// `pnpm --filter @org/auth-react size` (also its `bench`, and `pnpm check:packages` in CI): what
// the package adds to an app, measured the way the app's bundler splits it. esbuild bundles a
// tiny app that imports the built package by its exports map, with code splitting, minified, and
// each output file is gzipped at level 9. React, react-dom and react-query are the app's own
// (external). Page load: the app's entry chunk and every chunk it imports statically; lazy: the
// chunks only a dynamic import reaches. Fails above a budget, or when the sign-in code is not
// lazy. Needs `pnpm build` first.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const require = createRequire(join(pkgDir, "package.json"));
const manifest = require("./package.json");
// esbuild as tsup (a devDependency) brings it: the package builds with the same one.
const esbuild = createRequire(require.resolve("tsup"))("esbuild");

/**
 * Bytes, min+gzip -9: 5 KiB at page load, 2.25 KiB to sign in (it also reads and answers step-up
 * challenges), 1.5 KiB for the socket entry and for DPoP.
 */
const BUDGETS = { "page load": 5120, "sign-in (lazy)": 2304, "DPoP (lazy)": 1536, socket: 1536 };
const DPOP_FILE = /(^|\/)dist\/createDpop[^/]*\.js$/;
const SIGN_IN_FILE = /(^|\/)dist\/signIn[^/]*\.js$/;

const { pageLoad, lazy, dpopLazy, signInLazy } = await measure(`export * from "${manifest.name}";`);
const withSocket = await measure(
  `export * from "${manifest.name}";\nexport * from "${manifest.name}/socket";`,
);
const figures = [
  { key: "page load", what: "page load: main entry, everything imported", size: pageLoad },
  { key: "sign-in (lazy)", what: "lazy: the sign-in chunk", size: lazy },
  { key: "DPoP (lazy)", what: "lazy: the DPoP chunk (apps with `dpop` only)", size: dpopLazy },
  {
    key: "socket",
    what: "@org/auth-react/socket on top of that",
    size: withSocket.pageLoad - pageLoad,
  },
];

const fmt = (bytes) => `${bytes.toLocaleString("en-US")} B`;
console.log(
  `${manifest.name} in an app (esbuild ${esbuild.version}: splitting, minified, gzip -9; ` +
    `${Object.keys(manifest.peerDependencies).join(", ")} external)`,
);
for (const { key, what, size } of figures) {
  const mark = size <= BUDGETS[key] ? "ok  " : "OVER";
  console.log(`  ${mark} ${what.padEnd(45)} ${fmt(size).padStart(8)}  budget ${fmt(BUDGETS[key])}`);
}
const problems = figures.filter(({ key, size }) => size > BUDGETS[key]).map(({ what }) => what);
if (!signInLazy) problems.push("the sign-in code is not in a lazy chunk: it loads with the page");
// The last line is the summary `pnpm check:packages` prints.
console.log(
  `${figures.map(({ key, size }) => `${key} ${fmt(size)} of ${fmt(BUDGETS[key])}`).join(", ")}`,
);
if (problems.length > 0) {
  console.error(`size: over budget or wrongly split: ${problems.join("; ")}`);
  process.exit(1);
}

/** Bundles `app` as an app would and sums each output's gzip -9 size, page load and lazy. */
async function measure(app) {
  const peers = Object.keys(manifest.peerDependencies);
  const result = await esbuild.build({
    stdin: { contents: app, resolveDir: pkgDir, sourcefile: "app.js" },
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    target: "es2022",
    platform: "browser",
    absWorkingDir: pkgDir,
    outdir: "app-out",
    write: false,
    metafile: true,
    logLevel: "error",
    external: peers.flatMap((peer) => [peer, `${peer}/*`]),
  });
  const gzipped = new Map(
    result.outputFiles.map((file) => [
      file.path.slice(file.path.lastIndexOf("app-out")),
      gzipSync(file.contents, { level: 9 }).length,
    ]),
  );
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint);
  const loaded = staticClosure(outputs, entry);
  const sum = (paths) => paths.reduce((total, path) => total + gzipped.get(path), 0);
  const lazyPaths = Object.keys(outputs).filter((path) => !loaded.has(path));
  const has = (file) => (path) => Object.keys(outputs[path].inputs).some((i) => file.test(i));
  const hasSignIn = has(SIGN_IN_FILE);
  return {
    pageLoad: sum([...loaded]),
    lazy: sum(lazyPaths.filter((path) => !has(DPOP_FILE)(path))),
    dpopLazy: sum(lazyPaths.filter(has(DPOP_FILE))),
    signInLazy: lazyPaths.some(hasSignIn) && ![...loaded].some(hasSignIn),
  };
}

/** `entry` and every output it reaches through static imports. */
function staticClosure(outputs, entry) {
  const seen = new Set([entry]);
  for (const path of seen) {
    for (const dep of outputs[path].imports) {
      if (dep.kind === "import-statement" && !dep.external) seen.add(dep.path);
    }
  }
  return seen;
}
