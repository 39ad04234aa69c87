import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** The package directory (packages/mock-server). */
export const pkgDir = resolve(import.meta.dirname, "..");

/** Newest mtime under `src` vs the built files: is dist older than the sources? */
async function distIsStale(): Promise<boolean> {
  const built = await stat(join(pkgDir, "dist/cli.js")).catch(() => undefined);
  if (!built) return true;
  const files = await readdir(join(pkgDir, "src"), { recursive: true });
  for (const f of files) {
    if ((await stat(join(pkgDir, "src", f))).mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

/** Build the package when dist is missing or older than src (tests that run the built package). */
export async function ensureFreshDist(): Promise<void> {
  // Rebuild only when needed: other packages' tests may be reading dist right now.
  if (await distIsStale()) {
    await promisify(execFile)("pnpm", ["run", "build"], { cwd: pkgDir, timeout: 90_000 });
  }
}
