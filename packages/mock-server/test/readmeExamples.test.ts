// The README's "Use it in your tests" examples are files under examples/, included verbatim, and
// run here with the real vitest and Jest against the built package, imported by its public name.
import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, realpath, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BAD_TOKEN_KINDS } from "../src/oidc/mintToken.js";
import { ensureFreshDist, pkgDir } from "./freshDist.js";

const examplesDir = join(pkgDir, "examples");
const MARKER = /<!-- example: (\S+) -->\n\n```[a-z]*\n([\s\S]*?)```\n/g;

/** The README's example blocks: path → content. */
async function readmeExamples(): Promise<Map<string, string>> {
  const readme = await readFile(join(pkgDir, "README.md"), "utf8");
  return new Map([...readme.matchAll(MARKER)].map((m) => [m[1] as string, m[2] as string]));
}

/**
 * Link the package into examples/node_modules the way a workspace or an install does (its
 * package.json and built dist), so the examples resolve `@org/auth-mock-server/testing` through
 * the `exports` map to dist, never to src.
 */
async function linkPackage(): Promise<void> {
  const target = join(examplesDir, "node_modules/@org/auth-mock-server");
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await copyFile(join(pkgDir, "package.json"), join(target, "package.json"));
  await symlink(join(pkgDir, "dist"), join(target, "dist"), "dir");
  // The API-testing example's own dependencies, as an app has them: the server SDK (its built
  // package) and the frameworks, taken from the server package's install (no cycle in the graph).
  const serverDir = join(pkgDir, "../server");
  const links: [string, string][] = [
    ["@org/auth-server", serverDir],
    ["express", await realpath(join(serverDir, "node_modules/express"))],
    ["fastify", await realpath(join(serverDir, "node_modules/fastify"))],
  ];
  for (const [name, from] of links) {
    const to = join(examplesDir, "node_modules", name);
    await rm(to, { recursive: true, force: true });
    await symlink(from, to, "dir");
  }
}

/** Tests in the API-testing example: 2 modes × 2 frameworks × 4 tests. */
const API_EXAMPLE_TESTS = 16;

type Run = { code: number; stdout: string; stderr: string };

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  // The child runner must not think it is a worker of this vitest.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS"),
  );
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: examplesDir, env: { ...clean, ...env, FORCE_COLOR: "0" }, timeout: 150_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The JSON report both runners print: every test ran and passed. */
function summary(result: Run): { passed: number; failed: number; total: number } {
  const start = result.stdout.indexOf("{");
  expect(start, `no JSON report:\n${result.stdout}\n${result.stderr}`.slice(0, 3000)).not.toBe(-1);
  const report = JSON.parse(result.stdout.slice(start)) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    total: report.numTotalTests,
  };
}

const bin = (name: string) => join(pkgDir, "node_modules/.bin", name);

/**
 * The files under examples/, node_modules left out: it links whole packages (the server SDK and
 * its install), and a recursive readdir would walk them all.
 */
async function exampleFiles(dir: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await exampleFiles(join(dir, entry.name), path)));
    else found.push(path);
  }
  return found;
}

describe("README examples", () => {
  beforeAll(async () => {
    await ensureFreshDist();
    await linkPackage();
  }, 120_000);

  it("the README includes every example file verbatim, and only those", async () => {
    const blocks = await readmeExamples();
    const files = (await exampleFiles(examplesDir, ""))
      .filter((f) => /\.test\.(ts|js|mjs)$/.test(f))
      .map((f) => `examples/${f}`);
    expect(files.length).toBe(4);
    for (const file of [...files, "examples/jest.config.cjs"]) {
      expect(blocks.get(file), `${file} is not in the README`).toBeDefined();
      expect(blocks.get(file), file).toBe(await readFile(join(pkgDir, file), "utf8"));
    }
    expect(blocks.size).toBe(files.length + 1);
  });

  it("the vitest example passes under vitest", async () => {
    const result = await run(bin("vitest"), ["run", "--reporter=json"]);
    const s = summary(result);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(s).toEqual({
      passed: BAD_TOKEN_KINDS.length + 2 + API_EXAMPLE_TESTS,
      failed: 0,
      total: BAD_TOKEN_KINDS.length + 2 + API_EXAMPLE_TESTS,
    });
  }, 150_000);

  it("the CommonJS example passes under Jest (require)", async () => {
    const result = await run(bin("jest"), ["--runInBand", "--json", "jest-cjs"]);
    const s = summary(result);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(s).toEqual({
      passed: BAD_TOKEN_KINDS.length + 1,
      failed: 0,
      total: BAD_TOKEN_KINDS.length + 1,
    });
  }, 150_000);

  it("the ES module example passes under Jest (import)", async () => {
    const result = await run(bin("jest"), ["--runInBand", "--json", "jest-esm"], {
      NODE_OPTIONS: "--experimental-vm-modules",
    });
    const s = summary(result);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(s).toEqual({
      passed: BAD_TOKEN_KINDS.length + 3,
      failed: 0,
      total: BAD_TOKEN_KINDS.length + 3,
    });
  }, 150_000);
});
