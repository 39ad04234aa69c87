// A minimal reader for the .tgz files npm/pnpm write (ustar, regular files, pax path records).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** Returns Map<path inside the package (without the leading "package/"), Buffer>. */
export function untar(tgz) {
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

const DEP_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"];
const LOCAL_PROTOCOLS = /^(workspace|catalog|link|file|portal):/;

/** Dependency ranges that only make sense inside this repository ("workspace:*", "link:…"). */
export function workspaceOnlyRanges(manifest) {
  const found = [];
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (LOCAL_PROTOCOLS.test(String(range))) found.push(`${field}.${dep} is "${range}"`);
    }
  }
  return found;
}

/**
 * The names of the workspace's private packages (packages/*, apps/* with `"private": true`):
 * never published, so a published manifest must not name them, in any dependency field.
 */
export function privateWorkspaceNames(root) {
  const names = new Set();
  for (const group of ["packages", "apps"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const dir of readdirSync(base)) {
      const file = join(base, dir, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      if (manifest.private === true && typeof manifest.name === "string") names.add(manifest.name);
    }
  }
  return names;
}

/** Dependency entries (any field, devDependencies included) that name a private package. */
export function privatePackageReferences(manifest, privateNames) {
  const found = [];
  for (const field of DEP_FIELDS) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      if (privateNames.has(dep)) found.push(`${field}.${dep}`);
    }
  }
  return found;
}

/** [where, path] for every file the manifest points at: main, module, types, exports leaves. */
function entryTargets(manifest) {
  const targets = [];
  for (const field of ["main", "module", "types", "typings"]) {
    if (typeof manifest[field] === "string") targets.push([field, manifest[field]]);
  }
  const walk = (node, where) => {
    if (typeof node === "string") targets.push([where, node]);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node))
        walk(value, `${where}[${JSON.stringify(key)}]`);
    }
  };
  walk(manifest.exports, "exports");
  return targets;
}

/**
 * Problems with the files of a packed package that publint and attw do not look for.
 * `privateNames`: the workspace's private packages (see {@link privateWorkspaceNames}).
 */
export function tarballProblems(files, { privateNames = new Set() } = {}) {
  const problems = [];
  const manifest = JSON.parse(files.get("package.json")?.toString("utf8") ?? "{}");
  for (const ref of workspaceOnlyRanges(manifest)) {
    problems.push(`${ref}: a workspace-only reference would be published`);
  }
  for (const ref of privatePackageReferences(manifest, privateNames)) {
    problems.push(
      `${ref} names a private workspace package, which is never published: bundle it and keep it out of the packed manifest (.pnpmfile.cjs drops devDependencies when packing)`,
    );
  }
  for (const doc of ["README.md", "CHANGELOG.md"]) {
    if (!files.has(doc)) {
      problems.push(
        `${doc} is not in the tarball: write one beside package.json, list it in "files"`,
      );
    }
  }
  // dist/ holds the build; a declared bin may live elsewhere (e.g. a committed shim in bin/).
  const bins = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : manifest.bin;
  const binFiles = new Set(Object.values(bins ?? {}).map((p) => String(p).replace(/^\.\//, "")));
  const unexpected = [...files.keys()].filter(
    (f) =>
      !/^(dist\/|package\.json$|README\.md$|CHANGELOG\.md$|LICEN[CS]E)/.test(f) && !binFiles.has(f),
  );
  if (unexpected.length > 0) {
    const shown = unexpected.slice(0, 5).join(", ");
    problems.push(
      `files outside dist/ would be published (${shown}${unexpected.length > 5 ? ", …" : ""}): check "files"`,
    );
  }
  for (const [where, target] of entryTargets(manifest)) {
    if (target.includes("*")) continue;
    if (!files.has(target.replace(/^\.\//, ""))) {
      problems.push(
        `${where} → ${target} is not in the tarball (not built, or excluded by "files")`,
      );
    }
  }
  for (const [name, path] of Object.entries(bins ?? {})) {
    const file = files.get(String(path).replace(/^\.\//, ""));
    if (!file) problems.push(`bin "${name}" → ${path} is not in the tarball`);
    else if (!file.toString("utf8", 0, 2).startsWith("#!")) {
      problems.push(`bin "${name}" → ${path} has no "#!/usr/bin/env node" shebang`);
    }
  }
  return problems;
}
