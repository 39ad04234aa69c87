import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFreshDist, pkgDir } from "./freshDist.js";

const run = promisify(execFile);
let dir = "";
let tarball = "";

/** Wait for the first stdout line (the URL) of a CLI process, bounded in time. */
function firstLine(child: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buf = "";
    let errBuf = "";
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${ms} ms: ${errBuf.slice(-500)}`)),
      ms,
    );
    child.stderr?.on("data", (d) => {
      errBuf += d;
    });
    child.stdout?.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl !== -1) {
        clearTimeout(timer);
        resolveLine(buf.slice(0, nl).trim());
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${errBuf.slice(-500)}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => {
    if (child.exitCode !== null) r(child.exitCode);
    else child.once("exit", (code) => r(code));
  });

const getMe = (url: string) =>
  fetch(`${url}/_oxa_auth/get-me`, { headers: { authorization: "Bearer mock-dev-token" } });

describe("packed artifact", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mock-pack-"));
    await ensureFreshDist();
    const { stdout } = await run("pnpm", ["pack", "--pack-destination", dir], {
      cwd: pkgDir,
      timeout: 90_000,
    });
    tarball = stdout.trim().split("\n").pop()?.trim() ?? "";
    expect(tarball).toMatch(/\.tgz$/);
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Both bins (`auth-mock-server` and the Python mock's `oxaigen-auth-mock`): the second run reuses pnpm's dlx cache for the same tarball.
  it.each(["auth-mock-server", "oxaigen-auth-mock"])(
    "runs `pnpm dlx --package=<tarball> %s` from an empty folder and serves get-me",
    async (bin) => {
      const child = spawn("pnpm", ["dlx", `--package=${tarball}`, bin], {
        cwd: dir,
        env: { ...process.env, OXAIGEN_AUTH_MOCK_PORT: "0" },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const url = await firstLine(child, 60_000);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await getMe(url);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ id: "mock-user-id" });
      } finally {
        // pnpm runs the bin as a child: signal the whole group we started.
        if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
        await exited(child);
      }
    },
    90_000,
  );

  it("the bin stops cleanly on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const child = spawn(process.execPath, [join(pkgDir, "bin/cli.js")], {
        env: { ...process.env, OXAIGEN_AUTH_MOCK_PORT: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const url = await firstLine(child, 15_000);
      expect((await getMe(url)).status).toBe(200);
      child.kill(signal);
      expect(await exited(child)).toBe(0);
      await expect(getMe(url)).rejects.toThrow();
    }
  }, 40_000);

  it("the bin refuses an invalid env value with a message naming it", async () => {
    const result = await run(process.execPath, [join(pkgDir, "bin/cli.js")], {
      env: { ...process.env, OXAIGEN_AUTH_MOCK_PORT: "eighty" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect("code" in result ? result.code : 0).toBe(1);
    expect((result as { stderr: string }).stderr).toContain("OXAIGEN_AUTH_MOCK_PORT");
  }, 15_000);
});
