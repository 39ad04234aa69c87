// The server SDK's layers (docs/architecture.md): kernel ← jose ← validators · redis · logout ·
// dpop · platform · telemetry ← config ← bindings.
// Run in packages/server by the root `pnpm lint`; a wrong-way import fails CI.
const { noCycles, options } = require("../../scripts/lint/dependencyCruiserBase.cjs");
const SRC = "^src/";
const notTest = "\\.test\\.ts$";
// The `#platform` import's two targets (package.json "imports" picks one by export condition;
// tsconfig paths name node.ts): how the layers above the kernel reach the runtime.
const PLATFORM_ENTRY = `${SRC}platform/(node|web)\\.ts$`;

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    noCycles,
    {
      name: "kernel-imports-only-kernel",
      comment:
        "The kernel (errors, user, token extraction, pipeline, guards, runner) imports nothing outside itself: no other layer, no node: module (the runtime comes in through kernel/platform.ts); lru-cache is its one library, and the one User shape comes from the bundled @org/auth-user.",
      severity: "error",
      from: { path: `${SRC}kernel/`, pathNot: notTest },
      to: {
        pathNot: [`${SRC}kernel/`, "node_modules/lru-cache/", "^@org/auth-user$", "(^|/)user/src/"],
      },
    },
    {
      name: "jose-imports-only-kernel",
      comment:
        "jose/ (the lazily loaded jose library and the mapping of its errors) is shared by the validators that read JWTs: it imports only the kernel and itself.",
      severity: "error",
      from: { path: `${SRC}jose/`, pathNot: notTest },
      to: { path: SRC, pathNot: [`${SRC}kernel/`, `${SRC}jose/`] },
    },
    {
      name: "adapters-import-only-kernel",
      comment:
        "Each validator (validators/proxy, validators/jwt, validators/adapters), the Redis level, back-channel logout, the DPoP proof checker, the platform and telemetry (OpenTelemetry) implement kernel seams: they import the kernel, jose/ and their own folder (and the runtime's pieces through #platform), never config, bindings, each other, or a sibling validator.",
      severity: "error",
      from: {
        path: `${SRC}(validators/[^/]+|redis|logout|dpop|platform|telemetry)/`,
        pathNot: notTest,
      },
      to: { path: SRC, pathNot: [`${SRC}kernel/`, `${SRC}jose/`, `${SRC}$1/`, PLATFORM_ENTRY] },
    },
    {
      name: "platform-only-through-its-entry",
      comment:
        "Outside platform/, the runtime's pieces come only through the #platform import, never a module of one runtime by path: that would put node: modules into the Bun, Deno, workerd and edge builds.",
      severity: "error",
      from: { pathNot: [`${SRC}platform/`, notTest] },
      to: { path: `${SRC}platform/`, pathNot: PLATFORM_ENTRY },
    },
    {
      name: "config-below-bindings",
      comment: "The composition root never reaches up into the bindings.",
      severity: "error",
      from: { path: `${SRC}config/`, pathNot: notTest },
      to: { path: `${SRC}bindings/` },
    },
    {
      name: "env-read-only-by-readSettings",
      comment:
        "The env is read once, by config/readSettings.ts (through snapshotEnv.ts, the rows of settingsTable.ts and the section readers resolve*.ts and presets/ it calls); the modules that build the instance receive the Settings or one section, never the env (a type-only import of Env for a public signature is fine).",
      severity: "error",
      from: {
        path: `${SRC}config/(createAuth|connectRedis|createBackchannelLogout|refuseUnsafeProduction|createValidatorFromEnv)\\.ts$`,
      },
      to: {
        path: `${SRC}config/(env|snapshotEnv|settingsTable|resolve[A-Za-z]*|presets/(detectProvider|jwtOptionsFromEnv|presetUrl))\\.ts$`,
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "opentelemetry-only-in-telemetry",
      comment:
        "@opentelemetry/api is an optional peer dependency, imported by name at run time in telemetry/loadOpenTelemetryApi.ts only (types restated in telemetry/OpenTelemetryApi.ts): no other module imports it, not even for types.",
      severity: "error",
      from: { path: SRC, pathNot: [`${SRC}telemetry/`, notTest] },
      to: { path: "@opentelemetry/" },
    },
  ],
  options,
};
