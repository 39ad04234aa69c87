#!/usr/bin/env node
// `pnpm demo`: build what the demo needs, then run the mock auth API (8765), the demo API (8000)
// and the demo web app (5173) together with prefixed logs. Ctrl-C stops all three.
//
// Env (all optional; the README's "What the demo shows" lists the same):
//   OXAIGEN_AUTH_MOCK_PORT          the mock auth API's port (8765), the mock's own variable
//   DEMO_API_PORT, DEMO_WEB_PORT    the demo API's (8000) and the web app's (5173) ports
//   OXAIGEN_AUTH_CACHE_TTL_SECONDS  how long the API caches a token's user (5 here, SDK default 30)
//   DEMO_SKIP_BUILD=1               skip the build
// The demo pins the mock's host (127.0.0.1) and the API's HOST and PORT; every other
// OXAIGEN_AUTH_MOCK_* / OXAIGEN_AUTH_* / AUTH_* variable you set is passed through.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Read through one alias: these are the demo's own knobs, not turbo task inputs. */
const env = process.env;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const mockPort = port("OXAIGEN_AUTH_MOCK_PORT", 8765);
const apiPort = port("DEMO_API_PORT", 8000);
const webPort = port("DEMO_WEB_PORT", 5173);
const mockUrl = `http://127.0.0.1:${mockPort}`;
const apiUrl = `http://127.0.0.1:${apiPort}`;
const webUrl = `http://localhost:${webPort}`;
const useColor = process.stdout.isTTY && !env.NO_COLOR;
const STOP_GRACE_MS = 3000;
// Short API cache so a permission granted through the mock shows within seconds (SDK default 30).
const apiCacheSeconds = env.OXAIGEN_AUTH_CACHE_TTL_SECONDS ?? "5";

// Before the build: a busy port should fail in a second, not after a minute of building.
await ensurePortsFree([
  { name: "OXAIGEN_AUTH_MOCK_PORT", what: "the mock auth API", host: "127.0.0.1", port: mockPort },
  { name: "DEMO_API_PORT", what: "the demo API", host: "127.0.0.1", port: apiPort },
  { name: "DEMO_WEB_PORT", what: "the web app", host: "localhost", port: webPort },
]);

if (env.DEMO_SKIP_BUILD !== "1") {
  log("demo", 36, "building the SDK packages the demo uses (about a minute the first time)…");
  const status = await buildPackages();
  if (status !== 0) {
    log("demo", 31, "build failed or interrupted, not starting the demo");
    process.exit(status);
  }
}

/** @type {Array<{ name: string, child: import("node:child_process").ChildProcess }>} */
const running = [];
let stopping = false;

const services = [
  {
    name: "mock",
    color: 35,
    ready: /^http:\/\/127\.0\.0\.1:\d+/,
    args: [mockCli()],
    cwd: root,
    env: {
      OXAIGEN_AUTH_MOCK_HOST: "127.0.0.1",
      OXAIGEN_AUTH_MOCK_PORT: String(mockPort),
      OXAIGEN_AUTH_MOCK_CORS_ORIGINS: env.OXAIGEN_AUTH_MOCK_CORS_ORIGINS ?? webUrl,
    },
  },
  {
    name: "api",
    color: 33,
    ready: /listening on http/,
    args: [join(root, "apps/demo-api/src/main.js")],
    cwd: root,
    env: {
      HOST: "127.0.0.1",
      PORT: String(apiPort),
      DEMO_WEB_ORIGIN: webUrl,
      OXAIGEN_AUTH_DEV_MODE: env.OXAIGEN_AUTH_DEV_MODE ?? "1",
      OXAIGEN_AUTH_DEV_PROXY_URL: env.OXAIGEN_AUTH_DEV_PROXY_URL ?? mockUrl,
      OXAIGEN_AUTH_CACHE_TTL_SECONDS: apiCacheSeconds,
    },
  },
  {
    name: "web",
    color: 32,
    ready: /Local:\s+http/,
    args: [
      join(root, "apps/demo-web/node_modules/vite/bin/vite.js"),
      "--host",
      "localhost",
      "--port",
      String(webPort),
      "--strictPort",
    ],
    cwd: join(root, "apps/demo-web"),
    env: {
      VITE_AUTH_API_URL: mockUrl,
      VITE_API_URL: apiUrl,
      VITE_API_CACHE_TTL_SECONDS: apiCacheSeconds,
    },
  },
];

const waiting = new Set(services.map((service) => service.name));
for (const service of services) start(service);

process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

/** Called for every line a service prints; shows the banner once all three are up. */
function onLine(
  /** @type {string} */ name,
  /** @type {RegExp} */ ready,
  /** @type {string} */ line,
) {
  if (!waiting.has(name) || !ready.test(stripAnsi(line).trim())) return;
  waiting.delete(name);
  if (waiting.size > 0) return;
  log("demo", 36, "");
  log("demo", 36, `  ready: open ${webUrl} and click "Sign in"`);
  log("demo", 36, `  (demo API ${apiUrl}, mock auth API ${mockUrl})`);
  log("demo", 36, `  grant "audit": curl -X PUT ${mockUrl}/_oxa_auth/mock/state \\`);
  log(
    "demo",
    36,
    `    -H 'content-type: application/json' -d '{"permissions":["read","audit"]}'  (API cache: ${apiCacheSeconds} s)`,
  );
  log("demo", 36, "  Ctrl-C stops everything");
  log("demo", 36, "");
}

/** @param {string} text */
function stripAnsi(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes on purpose
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** @param {{ name: string, color: number, ready: RegExp, args: string[], cwd: string, env: Record<string, string> }} service */
function start(service) {
  const child = spawn(process.execPath, service.args, {
    cwd: service.cwd,
    env: { ...process.env, ...service.env },
    // Own process group: Ctrl-C is handled here, and stopAll() reaches grandchildren.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push({ name: service.name, child });
  const prefix = (/** @type {Buffer} */ chunk) => {
    for (const line of chunk.toString("utf8").replace(/\n$/, "").split("\n")) {
      log(service.name, service.color, line);
      onLine(service.name, service.ready, line);
    }
  };
  child.stdout.on("data", prefix);
  child.stderr.on("data", prefix);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(service.name, 31, `exited (${signal ?? `code ${code}`}); stopping the demo`);
    stopAll(1);
  });
}

/** @param {number} exitCode */
function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  log("demo", 36, "stopping mock, api and web…");
  const alive = running.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of alive) signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => {
    for (const { child } of alive) signalGroup(child, "SIGKILL");
    process.exit(exitCode);
  }, STOP_GRACE_MS);
  Promise.all(alive.map(({ child }) => new Promise((resolve) => child.once("exit", resolve)))).then(
    () => {
      clearTimeout(timer);
      for (const { child } of running) signalGroup(child, "SIGKILL");
      process.exit(exitCode);
    },
  );
}

/**
 * @param {import("node:child_process").ChildProcess} child
 * @param {NodeJS.Signals} signal
 */
function signalGroup(child, signal) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * @param {string} name
 * @param {number} color ANSI colour code
 * @param {string} line
 */
function log(name, color, line) {
  const tag = name.padEnd(4);
  const prefix = useColor ? `\u001b[${color}m${tag} |\u001b[0m` : `${tag} |`;
  process.stdout.write(`${prefix} ${line}\n`);
}

/**
 * `turbo run build` for the packages the apps depend on. turbo comes from the workspace, so this
 * works under `npx pnpm demo` without pnpm on PATH; Ctrl-C during the build stops turbo too.
 * @returns {Promise<number>} exit status
 */
function buildPackages() {
  const turbo = spawn(
    join(root, "node_modules/.bin/turbo"),
    [
      "run",
      "build",
      "--filter=@org/demo-web^...",
      "--filter=@org/demo-api^...",
      "--output-logs=errors-only",
    ],
    { cwd: root, stdio: "inherit" },
  );
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    turbo.kill("SIGTERM");
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  return new Promise((resolve) => {
    turbo.once("error", () => resolve(1));
    turbo.once("exit", (code) => {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", interrupt);
      resolve(interrupted ? 130 : (code ?? 1));
    });
  });
}

/** The mock's CLI, from its package.json `bin` (what `pnpm dlx @org/auth-mock-server` runs). */
function mockCli() {
  const dir = join(root, "packages/mock-server");
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return join(dir, manifest.bin["auth-mock-server"]);
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function port(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    // 0 ("any free port") cannot work here: each service is started knowing the others' URLs.
    console.error(
      `${name} must be a port number from 1 to 65535 for pnpm demo (got "${raw}"), e.g. ${name}=${fallback + 34} pnpm demo.`,
    );
    process.exit(2);
  }
  return value;
}

/**
 * Exit with a message naming the variable to change when one of the demo's ports is taken.
 * @param {Array<{ name: string, what: string, host: string, port: number }>} wanted
 */
async function ensurePortsFree(wanted) {
  for (const { name, what, host, port } of wanted) {
    const problem = await listenProblem(host, port);
    if (!problem) continue;
    const hint =
      problem === "EADDRINUSE"
        ? `port ${port} (${what}) is in use: stop the other process or pick another port, e.g. ${name}=${port + 34} pnpm demo`
        : `cannot listen on ${host}:${port} (${what}): ${problem}; set ${name} to another port`;
    log("demo", 31, hint);
    process.exit(1);
  }
}

/**
 * Listen on host:port for a moment; resolve with the error code, or null when it is free.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<string | null>}
 */
function listenProblem(host, port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (/** @type {NodeJS.ErrnoException} */ error) =>
      resolve(error.code ?? error.message),
    );
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}
