// Runs the React-layer tests against React 18 (the devDependencies pin React 19).
// React 18 is installed once with npm into node_modules/.cache/react18 (not part of the lockfile).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const dir = fileURLToPath(new URL("../node_modules/.cache/react18", import.meta.url));
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit", shell: process.platform === "win32" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(`${dir}/node_modules/react-dom/package.json`)) {
  mkdirSync(dir, { recursive: true });
  run("npm", ["init", "-y"], dir);
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-save", "react@18.3.1", "react-dom@18.3.1"],
    dir,
  );
}
run("pnpm", ["exec", "vitest", "run", "--config", "vitest.react18.config.ts"], pkg);
