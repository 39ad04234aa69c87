import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FOREIGN_PAGE } from "./foreignPage.js";
import { type RunningProcess, startProcess } from "./processes.js";
import { type StaticServer, startStaticServer } from "./staticServer.js";

const require = createRequire(import.meta.url);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const demoWebDir = join(repoRoot, "apps/demo-web");
const demoApiMain = join(repoRoot, "apps/demo-api/src/main.js");

/** How the demo API validates tokens. */
export type ApiMode = "proxy" | "jwt";

export interface StackOptions {
  /** Lifetime of access tokens issued by the mock (OXAIGEN_AUTH_MOCK_EXPIRES_IN). */
  expiresInSeconds: number;
  /** The web app's refresh leeway (VITE_AUTH_REFRESH_LEEWAY_SECONDS). */
  refreshLeewaySeconds: number;
  /** Extra mock env (user, permissions…). */
  mockEnv: Record<string, string>;
  /**
   * A Redis both the mock (publisher) and the API instances (`AUTH_REDIS_URL`) use: the fleet
   * set-up of production, where a change reaches every instance at once.
   */
  redisUrl?: string;
  /** How many API instances to start (default 1); the web app talks to the first. */
  apiInstances?: number;
  /** Extra API env, over the defaults of the mode (e.g. longer cache TTLs). */
  apiEnv?: Record<string, string>;
  /** Extra env of the web app's `vite build` (`NODE_ENV: "development"` bundles React's dev build). */
  webEnv?: Record<string, string>;
}

/** Mock, API and built web app on free loopback ports, plus a foreign-origin page. */
export interface Stack {
  webUrl: string;
  mockUrl: string;
  apiUrl: string;
  /** Every API instance started with the stack (the first is `apiUrl`). */
  apiUrls: string[];
  foreignUrl: string;
  mock: RunningProcess;
  /** Replace the API process (same port, so the built web app keeps pointing at it). */
  restartApi(mode: ApiMode): Promise<void>;
  /** Start one more API instance on a free port (same settings) and return its URL. */
  addApi(mode: ApiMode): Promise<string>;
  /** Merge `patch` into the mock's run-time state (`PUT /_oxa_auth/mock/state`); throws unless 200. */
  setMockState(patch: Record<string, unknown>): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Start the whole demo on free ports: web on `localhost`, API and mock on `127.0.0.1` (three
 * origins, two sites, like `pnpm demo`), the API in proxy mode first.
 * @example
 * const stack = await startStack({ expiresInSeconds: 6, refreshLeewaySeconds: 3, mockEnv: {} });
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
    cleanups.length = 0;
  };
  const processes: RunningProcess[] = [];
  try {
    const web: StaticServer = await startStaticServer();
    cleanups.push(() => web.close());
    const foreign = await startStaticServer({ "/": FOREIGN_PAGE });
    cleanups.push(() => foreign.close());
    const webOrigin = `http://localhost:${web.port}`;

    const mock = await startProcess({
      name: "mock",
      command: process.execPath,
      args: [mockCliPath()],
      env: {
        ...options.mockEnv,
        ...(options.redisUrl ? { OXAIGEN_AUTH_MOCK_REDIS_URL: options.redisUrl } : {}),
        OXAIGEN_AUTH_MOCK_HOST: "127.0.0.1",
        OXAIGEN_AUTH_MOCK_PORT: "0",
        OXAIGEN_AUTH_MOCK_CORS_ORIGINS: webOrigin,
        OXAIGEN_AUTH_MOCK_EXPIRES_IN: String(options.expiresInSeconds),
      },
      ready: /(http:\/\/127\.0\.0\.1:\d+)/,
    });
    processes.push(mock);
    cleanups.push(() => mock.stop());

    const apiSettings = (mode: ApiMode, port: number) => ({
      mode,
      port,
      mockUrl: mock.url,
      webOrigin,
      env: { ...options.apiEnv, ...(options.redisUrl ? { AUTH_REDIS_URL: options.redisUrl } : {}) },
    });
    const started = async (mode: ApiMode, port: number) => {
      const running = await startApi(apiSettings(mode, port));
      processes.push(running);
      cleanups.push(() => running.stop());
      return running;
    };
    let api = await started("proxy", 0);
    const apiPort = new URL(api.url).port;
    const apiUrls = [api.url];
    for (let i = 1; i < (options.apiInstances ?? 1); i++) {
      apiUrls.push((await started("proxy", 0)).url);
    }

    const outDir = mkdtempSync(join(tmpdir(), "e2e-web-"));
    cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
    await buildWeb(outDir, {
      ...options.webEnv,
      VITE_AUTH_API_URL: mock.url,
      VITE_API_URL: api.url,
      VITE_AUTH_REFRESH_LEEWAY_SECONDS: String(options.refreshLeewaySeconds),
    });
    web.setRoot(outDir);

    return {
      webUrl: `${webOrigin}/`,
      mockUrl: mock.url,
      apiUrl: api.url,
      apiUrls,
      foreignUrl: `http://127.0.0.1:${foreign.port}/`,
      mock,
      async restartApi(mode) {
        await api.stop();
        api = await started(mode, Number(apiPort));
      },
      addApi: async (mode) => (await started(mode, 0)).url,
      async setMockState(patch) {
        const res = await fetch(`${mock.url}/_oxa_auth/mock/state`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(patch),
          signal: AbortSignal.timeout(3000),
        });
        const body = await res.text();
        if (res.status !== 200)
          throw new Error(`PUT /_oxa_auth/mock/state → ${res.status}: ${body}`);
      },
      logs: () => processes.map((p) => p.logs()).join(""),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ApiSettings {
  mode: ApiMode;
  port: number;
  mockUrl: string;
  webOrigin: string;
  env: Record<string, string>;
}

function startApi({ mode, port, mockUrl, webOrigin, env }: ApiSettings) {
  const auth: Record<string, string> =
    mode === "proxy"
      ? {
          OXAIGEN_AUTH_DEV_MODE: "1",
          OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl,
          // Short caches: the tests flip permissions and let tokens expire.
          OXAIGEN_AUTH_CACHE_TTL_SECONDS: "1",
          OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS: "1",
        }
      : {
          AUTH_PROVIDER: "jwt",
          AUTH_ISSUER: mockUrl,
          AUTH_AUDIENCE: "oxaigen-mock",
          // No tolerance: an expired token must really be refused, so refresh is exercised.
          AUTH_CLOCK_SKEW: "0",
        };
  return startProcess({
    name: `api-${mode}-${port || "new"}`,
    command: process.execPath,
    args: [demoApiMain],
    env: { HOST: "127.0.0.1", PORT: String(port), DEMO_WEB_ORIGIN: webOrigin, ...auth, ...env },
    ready: /listening on (http:\/\/\S+)/,
  });
}

function mockCliPath(): string {
  const manifestPath = require.resolve("@org/auth-mock-server/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    bin: Record<string, string>;
  };
  const bin = manifest.bin["auth-mock-server"];
  if (!bin) throw new Error("@org/auth-mock-server has no auth-mock-server bin.");
  return join(dirname(manifestPath), bin);
}

/** `vite build` of apps/demo-web into `outDir` with the given Vite env (bounded in time). */
function buildWeb(outDir: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const vite = join(demoWebDir, "node_modules/vite/bin/vite.js");
    const child = spawn(
      process.execPath,
      [vite, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
      { cwd: demoWebDir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (exit ${code}):\n${output}`));
    });
  });
}
