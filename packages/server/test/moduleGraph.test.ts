import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The built package (what consumers load), in a child Node process that records every module it
// loads: a proxy-mode app must not pay for jose, a JWT-mode app must not pay for undici.
const here = fileURLToPath(new URL("./moduleGraph/", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

let tmp: string;
beforeAll(() => {
  if (!existsSync(join(dist, "express.js"))) {
    throw new Error("packages/server/dist is missing: run `pnpm build` first");
  }
  tmp = mkdtempSync(join(tmpdir(), "module-graph-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Whether a loaded file is jose: the package itself, or the chunk of dist/ that bundles it
 * (recognised by one of jose's error codes, which only jose's code spells).
 */
function isJose(url: string): boolean {
  if (url.includes("/node_modules/jose/")) return true;
  if (!url.startsWith(`file://${dist}`)) return false;
  return readFileSync(fileURLToPath(url), "utf8").includes("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
}

/** Runs app.mjs in `mode`; resolves to its answer and the packages it loaded. */
async function loadedBy(
  mode: "proxy" | "proxy-live" | "jwt" | "jwks",
  conditions: string[] = [],
  missing: string[] = [],
) {
  const file = join(
    tmp,
    `${mode}-${conditions.join("-") || "node"}-${missing.join("-").replace(/\W/g, "_")}.txt`,
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...conditions.map((c) => `--conditions=${c}`),
      "--import",
      join(here, "recordLoads.mjs"),
      join(here, "app.mjs"),
      mode,
    ],
    {
      cwd: here,
      env: {
        PATH: process.env.PATH,
        MODULE_GRAPH_FILE: file,
        MODULE_GRAPH_MISSING: missing.join(),
      },
      timeout: 30_000,
    },
  );
  const urls = readFileSync(file, "utf8").split("\n");
  // The package is what follows the last node_modules/ (pnpm nests them under .pnpm/).
  const packagesOf = (list: string[]) =>
    new Set(list.flatMap((url) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
  return {
    answer: JSON.parse(stdout) as {
      status: number;
      email: string | null;
      fetchCalls: number;
      laterStatus?: number;
    },
    packages: packagesOf(urls),
    jose: urls.some(isJose),
    beforeFirstAnswer: packagesOf(urls.slice(0, urls.indexOf("first-answer"))),
  };
}

describe("module graph of the built package (child process)", () => {
  it("proxy mode on Node answers first through node:http, loads undici after, never jose", async () => {
    const { answer, packages, jose, beforeFirstAnswer } = await loadedBy("proxy");
    // The request went out (not through the global fetch) and found nobody listening.
    expect(answer).toMatchObject({ status: 502, fetchCalls: 0 });
    // A cold start does not wait for undici's import; its pool takes over once loaded.
    expect(beforeFirstAnswer.has("undici")).toBe(false);
    expect(packages.has("undici")).toBe(true);
    expect(jose).toBe(false);
  });

  it("proxy mode on Node without undici installed (an optional peer) stays on node:http", async () => {
    const { answer, packages } = await loadedBy("proxy-live", [], ["undici"]);
    // The first answer and one after the attempted switch to undici both come from get-me.
    expect(answer).toEqual({
      status: 200,
      email: "u1@example.com",
      fetchCalls: 0,
      laterStatus: 200,
    });
    expect(packages.has("undici")).toBe(false);
  });

  it("JWT mode loads jose, never undici, and no installed package at all", async () => {
    const { answer, packages, jose } = await loadedBy("jwt", [], ["@opentelemetry/api"]);
    expect(answer).toEqual({ status: 200, email: "u1@example.com", fetchCalls: 0 });
    expect(jose).toBe(true);
    // jose, lru-cache and @org/auth-user are bundled into dist/: nothing else to install.
    expect([...packages]).toEqual([]);
  });

  it("JWT mode with discovery and JWKS on Node fetches through node:http, never the global fetch", async () => {
    // Node's fetch loads its own copy of undici on first use: tens of milliseconds a cold start
    // would pay for two small metadata requests.
    const { answer, packages, jose } = await loadedBy("jwks");
    expect(answer).toEqual({ status: 200, email: "u1@example.com", fetchCalls: 0 });
    expect(jose).toBe(true);
    expect(packages.has("undici")).toBe(false);
  });

  it("@opentelemetry/api, an optional peer, is loaded when installed and is then the only package", async () => {
    const installed = await loadedBy("jwt");
    expect(installed.answer.status).toBe(200);
    expect([...installed.packages]).toEqual(["@opentelemetry/api"]);
    // Without it (the JWT case above too) nothing of OpenTelemetry loads.
    const without = await loadedBy("proxy", [], ["@opentelemetry/api"]);
    expect(without.answer.status).toBe(502);
    expect([...without.packages].filter((name) => name.startsWith("@opentelemetry/"))).toEqual([]);
  });

  it("proxy mode off Node (edge-light) uses fetch: neither undici nor jose", async () => {
    const { answer, packages, jose } = await loadedBy(
      "proxy",
      ["edge-light"],
      ["@opentelemetry/api"],
    );
    expect(answer.status).toBe(502);
    expect(answer.fetchCalls).toBeGreaterThan(0);
    expect(packages.has("undici")).toBe(false);
    expect(jose).toBe(false);
    // sha256 is bundled into the Web build: no @noble/hashes package to install.
    expect([...packages]).toEqual([]);
  });
});
