// The tarball checks must catch the mistakes they exist for: a broken package must fail them.
// Run: node --test scripts/smoke/tarball.test.mjs (a step of `pnpm smoke`; needs a build).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { privateWorkspaceNames, tarballProblems, untar } from "./tarball.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const mockDir = join(root, "packages", "mock-server");
const scratch = mkdtempSync(join(tmpdir(), "tarball-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const text = (s) => Buffer.from(s, "utf8");

/** The files of a healthy package, as `untar` returns them. */
function healthy(overrides = {}) {
  const manifest = {
    name: "@org/x",
    version: "1.0.0",
    main: "./dist/index.cjs",
    exports: { ".": { import: "./dist/index.js", require: "./dist/index.cjs" } },
    bin: { x: "./bin/cli.js" },
    ...overrides,
  };
  return new Map([
    ["package.json", text(JSON.stringify(manifest))],
    ["README.md", text("# x")],
    ["CHANGELOG.md", text("# x")],
    ["dist/index.js", text("export {}")],
    ["dist/index.cjs", text("")],
    ["bin/cli.js", text("#!/usr/bin/env node\n")],
  ]);
}

/** Copy of the built mock package with `edit` applied to its manifest, packed by pnpm. */
function packEdited(name, edit) {
  assert.ok(
    existsSync(join(mockDir, "dist")),
    "packages/mock-server/dist is missing: run `pnpm build`",
  );
  const dir = join(scratch, name);
  for (const part of [
    "dist",
    "bin",
    "src",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "tsconfig.json",
  ]) {
    cpSync(join(mockDir, part), join(dir, part), { recursive: true });
  }
  const manifest = JSON.parse(readFileSync(join(mockDir, "package.json"), "utf8"));
  edit(manifest);
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const res = spawnSync("pnpm", ["pack", "--pack-destination", dir], {
    cwd: dir,
    encoding: "utf8",
  });
  assert.equal(res.status, 0, `pnpm pack failed: ${res.stderr}`);
  const tarball = join(dir, basename(res.stdout.trim().split("\n").pop().trim()));
  return tarballProblems(untar(readFileSync(tarball)));
}

describe("tarballProblems", () => {
  it("passes a healthy package", () => {
    assert.deepEqual(tarballProblems(healthy()), []);
  });

  it("flags an exports target that is not in the tarball", () => {
    const files = healthy({ exports: { ".": { import: "./dist/index.mjs" } } });
    assert.match(tarballProblems(files).join("\n"), /dist\/index\.mjs is not in the tarball/);
  });

  it("flags workspace-only dependency ranges", () => {
    const files = healthy({ dependencies: { "@org/y": "workspace:*" } });
    assert.match(tarballProblems(files).join("\n"), /dependencies\.@org\/y is "workspace:\*"/);
  });

  it("flags a private workspace package named in any dependency field, devDependencies too", () => {
    const privateNames = privateWorkspaceNames(root);
    assert.ok(privateNames.has("@org/auth-user"), "@org/auth-user is a private workspace package");
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      const files = healthy({ [field]: { "@org/auth-user": "0.0.0" } });
      assert.match(
        tarballProblems(files, { privateNames }).join("\n"),
        new RegExp(`${field}\\.@org/auth-user names a private workspace package`),
      );
    }
    assert.deepEqual(
      tarballProblems(healthy({ devDependencies: { vitest: "4" } }), { privateNames }),
      [],
    );
  });

  it("flags a bin without a shebang, and a missing README", () => {
    const files = healthy();
    files.set("bin/cli.js", text("import './x.js'"));
    files.delete("README.md");
    const found = tarballProblems(files).join("\n");
    assert.match(found, /bin "x" .* has no "#!\/usr\/bin\/env node" shebang/);
    assert.match(found, /README\.md is not in the tarball/);
  });
});

describe("a real pnpm pack of a workspace package", () => {
  it("drops devDependencies (which name private packages) from the server's packed manifest", () => {
    const serverDir = join(root, "packages", "server");
    const res = spawnSync("pnpm", ["pack", "--pack-destination", scratch], {
      cwd: serverDir,
      encoding: "utf8",
    });
    assert.equal(res.status, 0, `pnpm pack failed: ${res.stderr}`);
    const tarball = join(scratch, basename(res.stdout.trim().split("\n").pop().trim()));
    const files = untar(readFileSync(tarball));
    const manifest = JSON.parse(files.get("package.json").toString("utf8"));
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(manifest.dependencies, undefined, "the server has no runtime dependencies");
    assert.deepEqual(tarballProblems(files, { privateNames: privateWorkspaceNames(root) }), []);
  });
});

describe("a real pnpm pack of the mock package", () => {
  it("is clean as published", () => {
    assert.deepEqual(
      packEdited("as-is", () => {}),
      [],
    );
  });

  it("fails when `files` is deleted from package.json", () => {
    const found = packEdited("no-files", (m) => {
      delete m.files;
    });
    assert.match(found.join("\n"), /files outside dist\/ would be published \(.*src\//);
  });

  it("fails when a bin path is wrong", () => {
    const found = packEdited("bad-bin", (m) => {
      m.bin["auth-mock-server"] = "./bin/missing.js";
    });
    assert.match(
      found.join("\n"),
      /bin "auth-mock-server" → \.\/bin\/missing\.js is not in the tarball/,
    );
  });
});
