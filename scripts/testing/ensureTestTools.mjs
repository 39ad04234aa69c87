#!/usr/bin/env node
// What the tests need beyond Node and the lockfile: redis-server (the shared-cache, revocation and
// publisher tests start their own) and Chromium (the end-to-end tests). A missing one is installed
// with apt-get when this runs as root on Debian/Ubuntu; otherwise it fails saying what to install.
// `pnpm test`, `pnpm e2e` and .ci/run run it first: `node scripts/testing/ensureTestTools.mjs`.
// Types: ensureTestTools.d.mts beside this file.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_CHROMIUM = "/usr/bin/chromium";
/** Read through one alias: CHROMIUM_PATH and PATH say where tools are, not what a test does. */
const env = process.env;

/**
 * A tool the tests run: where it is (null when missing), the Debian package that provides it
 * (null when installing cannot help, e.g. CHROMIUM_PATH names a missing file), and how to get it.
 * @typedef {{ name: string, locate: () => string | null, debianPackage: string | null, hint: string }} TestTool
 */

/** @type {TestTool} */
export const REDIS_SERVER = {
  name: "redis-server",
  locate: () => onPath("redis-server"),
  debianPackage: "redis-server",
  hint: "install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)",
};

/** @type {TestTool} */
export const CHROMIUM = {
  name: "Chromium",
  locate: () => {
    const path = chromiumPath();
    return isExecutable(path) ? path : null;
  },
  get debianPackage() {
    return chromiumPath() === DEFAULT_CHROMIUM ? "chromium" : null;
  },
  get hint() {
    return `none at ${chromiumPath()}: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium/Chrome executable`;
  },
};

/**
 * Makes sure every tool is there, installing the missing ones with one apt-get run when root on
 * Debian/Ubuntu. Throws, naming each tool still missing and how to install it.
 * @example
 * ensureTestTools([REDIS_SERVER, CHROMIUM]);
 */
export function ensureTestTools(tools = [REDIS_SERVER, CHROMIUM], log = console.log) {
  const missing = tools.filter((tool) => tool.locate() === null);
  const installable = missing.flatMap((tool) => tool.debianPackage ?? []);
  const apt = onPath("apt-get");
  const installing = installable.length > 0 && apt !== null && process.getuid?.() === 0;
  if (installing) {
    log(`test tools: installing ${installable.join(", ")} with apt-get`);
    const options = {
      stdio: "inherit",
      env: { ...env, DEBIAN_FRONTEND: "noninteractive" },
    };
    execFileSync(apt, ["update", "-qq"], { ...options, timeout: 300_000 });
    execFileSync(apt, ["install", "-y", "-qq", "--no-install-recommends", ...installable], {
      ...options,
      timeout: 900_000,
    });
  }
  const still = missing.filter((tool) => tool.locate() === null);
  if (still.length === 0) return;
  const list = still.map((tool) => `  ${tool.name}: ${tool.hint}`).join("\n");
  const where = installing
    ? " after apt-get install"
    : still.some((tool) => tool.debianPackage)
      ? " (as root on Debian/Ubuntu, `node scripts/testing/ensureTestTools.mjs` installs them with apt-get)"
      : "";
  throw new Error(`Missing for the tests${where}:\n${list}`);
}

/**
 * The Chromium executable the end-to-end tests launch, installed first when possible.
 * @example
 * const executablePath = ensureChromium();
 */
export function ensureChromium() {
  ensureTestTools([CHROMIUM]);
  return chromiumPath();
}

function chromiumPath() {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** The executable `name` on PATH, or null. */
function onPath(name) {
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable) ?? null;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function version(command) {
  try {
    return execFileSync(command, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    }).trim();
  } catch {
    return "version unknown";
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureTestTools();
    for (const tool of [REDIS_SERVER, CHROMIUM]) {
      const path = tool.locate();
      console.log(`test tools: ${tool.name} at ${path} (${version(path)})`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
