/** A tool the tests run, and how to get it. */
export interface TestTool {
  readonly name: string;
  /** Where it is, or null when missing. */
  locate(): string | null;
  /** The Debian package that provides it; null when installing cannot help. */
  readonly debianPackage: string | null;
  /** How to install it, for the error message. */
  readonly hint: string;
}

/** redis-server on PATH (Debian package redis-server). */
export declare const REDIS_SERVER: TestTool;

/** Chromium at CHROMIUM_PATH, default /usr/bin/chromium (Debian package chromium). */
export declare const CHROMIUM: TestTool;

/**
 * Makes sure every tool is there, installing the missing ones with one apt-get run when root on
 * Debian/Ubuntu. Throws, naming each tool still missing and how to install it.
 * @example
 * ensureTestTools([REDIS_SERVER, CHROMIUM]);
 */
export declare function ensureTestTools(
  tools?: readonly TestTool[],
  log?: (line: string) => void,
): void;

/**
 * The Chromium executable the end-to-end tests launch, installed first when possible.
 * @example
 * const executablePath = ensureChromium();
 */
export declare function ensureChromium(): string;
