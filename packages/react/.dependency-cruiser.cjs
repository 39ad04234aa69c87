// The React SDK's layers (docs/architecture.md): core (framework-free) ← react (hooks and
// components) ← socket (its own entry, through the main entry only); the sign-in code is a lazy
// chunk of core. Run in packages/react by the root `pnpm lint`; a wrong-way import fails CI.
const { noCycles, options } = require("../../scripts/lint/dependencyCruiserBase.cjs");
const SRC = "^src/";
const notTest = "\\.test\\.tsx?$";
// The one User shape: the bundled private package, by name or (type-only) by its source path.
const USER = ["^@org/auth-user$", "(^|/)user/src/"];
// Loaded on demand by AuthClient's dpop() when the `dpop` option is set: keys, proofs, nonces.
const DPOP = `${SRC}dpop/`;
// The lazy chunks: code loaded on demand, which the page-load code reaches only by a dynamic or
// type-only import, and which imports (types aside) only its own.
const LAZY_CHUNKS = [
  {
    // Loaded by AuthClient's import("./signIn"): popup and redirect sign-in.
    name: "sign-in-code",
    path: `${SRC}core/(signIn|signInParts|openLoginPopup|redirectLogin|loginOptions|loginFailed|randomState|answerStepUp)\\.ts$`,
    staysLazy:
      "The sign-in code is a chunk loaded when the user signs in, a redirect returns or an API answers 401: outside it, only a dynamic import (AuthClient's signInCode) or a type-only import may reach it, or it lands in every page's bundle.",
    importsOnlyItsOwn:
      "The sign-in code takes the session's parts it needs (AuthClientError, the auth API calls…) from core/signInParts.ts, which AuthClient fills as it loads the chunk; types aside, it imports only sign-in code. A value import of a page-load module would move that module into a chunk of its own, shared, that every page loads as one more file (about 300 B of the size budget).",
  },
  {
    name: "dpop-code",
    path: DPOP,
    staysLazy:
      "The DPoP code is a chunk only a client with the `dpop` option loads: outside it, only a dynamic import (AuthClient's dpop()) or a type-only import may reach it, or every app pays for it at page load.",
    importsOnlyItsOwn:
      "The DPoP code imports nothing of the page-load code: a value import would move that module into a shared chunk every page loads as one more file.",
  },
];

/** The two rules that keep a lazy chunk lazy. */
function lazyChunkRules({ name, path, staysLazy, importsOnlyItsOwn }) {
  return [
    {
      name: `${name}-stays-lazy`,
      comment: staysLazy,
      severity: "error",
      from: { pathNot: [path, notTest] },
      to: { path, dependencyTypesNot: ["dynamic-import", "type-only"] },
    },
    {
      name: `${name}-imports-only-its-own`,
      comment: importsOnlyItsOwn,
      severity: "error",
      from: { path, pathNot: notTest },
      to: { pathNot: path, dependencyTypesNot: ["type-only"] },
    },
  ];
}

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    noCycles,
    {
      name: "core-is-framework-free",
      comment:
        "core/ (AuthClient, the auth API calls, sign-in, fetch and WebSocket helpers) imports only core/ and the one User shape: no React, no react-query, never the React layer or the socket entry, so it runs in any framework and on the server.",
      severity: "error",
      from: { path: `${SRC}core/`, pathNot: notTest },
      to: { pathNot: [`${SRC}core/`, DPOP, ...USER] },
    },
    {
      name: "react-layer-below-entries",
      comment:
        "react/ (AuthProvider, hooks, components) builds on core/ with React and react-query; it never reaches into socket/ or the entry files.",
      severity: "error",
      from: { path: `${SRC}react/`, pathNot: notTest },
      to: { path: [`${SRC}socket/`, `${SRC}(index|socket)\\.ts$`] },
    },
    {
      name: "socket-only-through-the-main-entry",
      comment:
        "socket/ (the @org/auth-react/socket entry) takes the session parts from ../index, which its build turns into an import of @org/auth-react: a path into core/ or react/ would copy them into the socket bundle (a second React context, a second AuthClientError class).",
      severity: "error",
      from: { path: `${SRC}socket/`, pathNot: notTest },
      to: { path: `${SRC}(core|react)/` },
    },
    ...LAZY_CHUNKS.flatMap(lazyChunkRules),
  ],
  options,
};
