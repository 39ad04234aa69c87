import { type Browser, chromium } from "playwright-core";
import { ensureChromium } from "../../../scripts/testing/ensureTestTools.mjs";

/** The Chromium executable (CHROMIUM_PATH, default /usr/bin/chromium), installed when possible. */
export { ensureChromium };

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
