#!/usr/bin/env node
// Lints every publishable package exactly as it would be published: packs it with pnpm (which
// rewrites workspace: ranges, as `pnpm publish` does), then checks that one tarball with publint
// (strict: warnings fail too), @arethetypeswrong/cli, and a few checks of our own that neither
// tool makes (workspace-only references, private workspace packages named in any dependency
// field, README, bin shebangs), plus the size budget of packages that declare one (their `size`
// script). Builds are assumed done.
// Usage: node scripts/check-packages.mjs [package-dir ...]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { privateWorkspaceNames, tarballProblems, untar } from "./smoke/tarball.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const bin = (name) => join(root, "node_modules", ".bin", name);

/** Non-private packages under packages/, or the directories given on the command line. */
function publishableDirs(argv) {
  if (argv.length > 0) return argv.map((dir) => resolve(dir));
  const base = join(root, "packages");
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .filter((dir) => !JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private);
}

function run(cmd, args, cwd) {
  const res = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const why = res.error
    ? `${res.error.message}\n`
    : res.status === 0
      ? ""
      : `exit ${res.signal ?? res.status}\n`;
  return { ok: res.status === 0, out: `${why}${res.stdout ?? ""}${res.stderr ?? ""}`.trim() };
}

async function checkPackage(dir, scratch) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const problems = [];
  if (!existsSync(join(dir, "dist"))) {
    return [`${relative(root, dir)}/dist is missing: run \`pnpm build\` first`];
  }
  const packed = run("pnpm", ["pack", "--json", "--pack-destination", scratch], dir);
  if (!packed.ok) return [`pnpm pack failed:\n${packed.out}`];
  // Lifecycle scripts (prepack) may print before the JSON report: take the report only.
  const report = packed.out.slice(packed.out.search(/^\{\s*"name"/m));
  const tarball = JSON.parse(report.slice(0, report.lastIndexOf("}") + 1)).filename;
  const tgz = readFileSync(tarball);

  problems.push(...tarballProblems(untar(tgz), { privateNames: privateWorkspaceNames(root) }));

  // publint packs with pnpm itself: only that mode can say "exists but is not published".
  const lint = await publint({ pkgDir: dir, pack: "pnpm", strict: true, level: "warning" });
  for (const message of lint.messages) {
    problems.push(`publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false })}`);
  }

  // attw on the very tarball that would be published (what `attw --pack` does, minus a second pack).
  const attw = run(bin("attw"), [tarball, "--format", "ascii"], dir);
  if (!attw.ok) problems.push(`@arethetypeswrong/cli found problems:\n${attw.out}`);
  const attwVerdict = attw.out
    .split("\n")
    .find((l) => /problems/.test(l))
    ?.trim();

  const size = checkSizeBudget(dir, pkg);
  if (size && !size.ok) problems.push(`size: over the budget or failed:\n${size.out}`);

  const verdict = problems.length === 0 ? "ok  " : "FAIL";
  const sizeNote = size ? `; size: ${size.summary}` : "";
  console.log(
    `${verdict} ${pkg.name} (publint: ${lint.messages.length} issue(s); attw: ${attw.ok ? attwVerdict : "problems"}${sizeNote})`,
  );

  return problems;
}

/** A package's own size check (its `size` script): fails above the budgets it declares. */
function checkSizeBudget(dir, pkg) {
  if (!pkg.scripts?.size) return undefined;
  const res = run("pnpm", ["run", "--silent", "size"], dir);
  // The script's summary is its last line on success; the whole output explains a failure.
  const summary = res.ok ? res.out.split("\n").at(-1) : "over the budget or failed";
  return { ok: res.ok, out: res.out, summary };
}

const scratch = mkdtempSync(join(tmpdir(), "check-packages-"));
let failed = 0;
try {
  for (const dir of publishableDirs(process.argv.slice(2))) {
    const problems = await checkPackage(dir, scratch);
    if (problems.length > 0) {
      failed += 1;
      for (const p of problems) console.log(`  ${relative(root, dir)}: ${p}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`check:packages: ${failed} package(s) failed (see above)`);
  process.exit(1);
}
console.log("check:packages: all packages pass publint, attw and the tarball checks");
