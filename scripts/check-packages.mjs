#!/usr/bin/env node
// Lints every publishable package exactly as it would be published: packs it with pnpm (which
// rewrites workspace: ranges, as `pnpm publish` does), then checks that one tarball with publint
// (strict: warnings fail too), @arethetypeswrong/cli, and a few checks of our own that neither
// tool makes (workspace-only references, README, bin shebangs). Builds are assumed done.
// Usage: node scripts/check-packages.mjs [package-dir ...]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const DEP_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"];
const LOCAL_PROTOCOLS = /^(workspace|catalog|link|file|portal):/;

/** Non-private packages under packages/, or the directories given on the command line. */
function publishableDirs(argv) {
  if (argv.length > 0) return argv.map((dir) => resolve(dir));
  const base = join(root, "packages");
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .filter((dir) => !JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private);
}

/** Minimal ustar reader: enough for the tarballs pnpm writes (regular files, pax path records). */
function untar(tgz) {
  const buf = gunzipSync(tgz);
  const files = new Map();
  let paxPath;
  for (let off = 0; off + 512 <= buf.length; ) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (start, len) => header.toString("utf8", start, start + len).replace(/\0.*$/s, "");
    const size = Number.parseInt(str(124, 12).trim() || "0", 8);
    const type = str(156, 1) || "0";
    const prefix = str(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    const data = buf.subarray(off + 512, off + 512 + size);
    paxPath = undefined;
    if (type === "x") paxPath = /\d+ path=([^\n]*)\n/.exec(data.toString("utf8"))?.[1];
    else if (type === "0" || type === "7") files.set(name.replace(/^[^/]+\//, ""), data);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Problems that publint and attw do not look for. */
function ownChecks(files) {
  const problems = [];
  const manifest = JSON.parse(files.get("package.json")?.toString("utf8") ?? "{}");
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (LOCAL_PROTOCOLS.test(String(range))) {
        problems.push(`${field}.${dep} is "${range}": a workspace-only reference was published`);
      }
    }
  }
  if (!files.has("README.md"))
    problems.push(
      'README.md is not in the tarball: write one beside package.json, keep it in "files"',
    );
  if (!files.has("CHANGELOG.md")) {
    problems.push('CHANGELOG.md is not in the tarball: add it to "files"');
  }
  const bins = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : manifest.bin;
  for (const [name, path] of Object.entries(bins ?? {})) {
    const file = files.get(String(path).replace(/^\.\//, ""));
    if (!file) problems.push(`bin "${name}" → ${path} is not in the tarball`);
    else if (!file.toString("utf8", 0, 2).startsWith("#!")) {
      problems.push(`bin "${name}" → ${path} has no "#!/usr/bin/env node" shebang`);
    }
  }
  return problems;
}

function run(cmd, args, cwd) {
  const res = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { ok: res.status === 0, out: `${res.stdout ?? ""}${res.stderr ?? ""}`.trim() };
}

async function checkPackage(dir, scratch) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const problems = [];
  if (!existsSync(join(dir, "dist"))) {
    return [`${relative(root, dir)}/dist is missing: run \`pnpm build\` first`];
  }
  const packed = run("pnpm", ["pack", "--json", "--pack-destination", scratch], dir);
  if (!packed.ok) return [`pnpm pack failed:\n${packed.out}`];
  const tarball = JSON.parse(packed.out.slice(packed.out.indexOf("{"))).filename;
  const tgz = readFileSync(tarball);

  problems.push(...ownChecks(untar(tgz)));

  // publint packs with pnpm itself: only that mode can say "exists but is not published".
  const lint = await publint({ pkgDir: dir, pack: "pnpm", strict: true, level: "warning" });
  for (const message of lint.messages) {
    problems.push(`publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false })}`);
  }

  // attw on the very tarball that would be published (what `attw --pack` does, minus a second pack).
  const attw = run(bin("attw"), [tarball, "--format", "ascii"], dir);
  if (!attw.ok) problems.push(`@arethetypeswrong/cli found problems:\n${attw.out}`);
  else console.log(attw.out.split("\n").filter((l) => /problems|🟢|💀|❗|⚠️/u.test(l))[0] ?? "");

  console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${pkg.name}`);
  return problems;
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
