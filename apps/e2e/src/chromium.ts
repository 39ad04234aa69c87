import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Flags for a quiet, headless Chromium that never talks to the network on its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Return the Chromium executable, installing Debian's package when possible. Never downloads a
 * Playwright browser (`playwright install` fails on machines without CDN access).
 * @example
 * const executablePath = ensureChromium();
 */
export function ensureChromium(): string {
  const path = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (isExecutable(path)) return path;
  if (path === DEFAULT_CHROMIUM && process.getuid?.() === 0 && isExecutable("/usr/bin/apt-get")) {
    console.log("e2e: Chromium missing, installing it with apt-get (Debian package 'chromium')");
    execFileSync("apt-get", ["update"], { stdio: "inherit", timeout: 180_000 });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      stdio: "inherit",
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (isExecutable(path)) return path;
  }
  throw new Error(
    `Chromium not found at ${path}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) ` +
      "or set CHROMIUM_PATH to a Chromium/Chrome executable.",
  );
}

/**
 * Launch headless Chromium. Playwright gives every `launch()` a fresh temporary user-data dir
 * (and removes it on close), and every `newContext()` is a fresh incognito-like profile on top.
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
