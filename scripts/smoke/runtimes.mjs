// Runtime scenarios of the smoke test: the packed @org/auth-server on Bun, Deno, Cloudflare
// Workers (workerd through wrangler) and Next.js 16, each against its own mock, in proxy mode, in
// JWT mode and in introspection mode (the mock's RFC 7662 endpoint). Bun, Deno and wrangler are
// the workspace's devDependencies (npm packages with their native binaries, pinned in
// package.json); Next.js is the consumer app's own dependency.
// The groups run in parallel.
import { webcrypto } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  ALL_CHECKS,
  checksOf,
  DOWN_CHECK,
  LIVE_CHECKS,
  mintMockJwt,
  modeEnv,
  statusOf,
  WS_CHECKS,
} from "./authMatrix.mjs";
import { KNOWN_FAILURES } from "./knownFailures.mjs";
import { checkClientPage } from "./nextBrowser.mjs";
import { freePort, killTree, run, spawnTracked, waitFor } from "./proc.mjs";

/** Next.js for the consumer app (bun, deno and wrangler 4.86 — the newest on Node 20 — are pinned in the root package.json). */
const NEXT_VERSION = "16.4.6";
const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
const BINARIES = {
  bun: () => join(packageDir("bun"), "bin/bun.exe"),
  deno: () => join(packageDir("deno"), "deno"),
  wrangler: () => join(packageDir("wrangler"), "bin/wrangler.js"),
};
const MODES = ["proxy", "jwt", "introspection"];

/**
 * @param ctx `{ step, consumerDir, install, consumerEnv, tmp, serverVersion, mockVersion, devDeps,
 *              reactVersion, reactDevDeps, wanted }` from run.mjs
 */
export async function runtimeSteps(ctx) {
  const { step, consumerDir, install, serverVersion, mockVersion } = ctx;
  const groups = ["bun", "deno", "workers", "next"].filter(ctx.wanted);
  if (groups.length === 0) return;

  const tools = consumerDir("runtime-mock", {
    name: "smoke-runtime-mock",
    private: true,
    dependencies: { "@org/auth-mock-server": mockVersion },
  });
  const installs = [step("runtimes: install the mock", 300_000, () => install(tools))];
  const dirs = {};
  const appManifest = (name, deps) => ({
    name: `smoke-${name}`,
    private: true,
    type: "module",
    dependencies: { "@org/auth-server": serverVersion, ...deps },
  });
  if (groups.includes("bun")) {
    dirs.bun = consumerDir(
      "bun-app",
      appManifest("bun-app", { hono: ctx.devDeps.hono, express: ctx.devDeps.express }),
      "bun",
    );
  }
  if (groups.includes("deno")) {
    dirs.deno = consumerDir("deno-app", null, "deno");
    installs.push(
      step("deno: fetch the npm packages (deno cache)", 300_000, () => denoCache(ctx, dirs.deno)),
    );
  }
  if (groups.includes("workers")) {
    dirs.workers = consumerDir(
      "workers-app",
      appManifest("workers-app", { hono: ctx.devDeps.hono }),
      "workers",
    );
  }
  if (groups.includes("next")) {
    dirs.next = consumerDir(
      "next-app",
      appManifest("next-app", {
        next: NEXT_VERSION,
        react: ctx.reactDevDeps.react,
        "react-dom": ctx.reactDevDeps["react-dom"],
        "@org/auth-react": ctx.reactVersion,
        "@tanstack/react-query": ctx.reactDevDeps["@tanstack/react-query"],
      }),
      "next",
    );
  }
  for (const group of ["bun", "workers", "next"]) {
    if (dirs[group]) {
      installs.push(
        step(`${group}: install the app's dependencies`, 300_000, () => install(dirs[group])),
      );
    }
  }
  await Promise.all(installs);

  const env = { ctx, tools, mockBin: mockBin(tools) };
  const runners = { bun: bunGroup, deno: denoGroup, workers: workersGroup, next: nextGroup };
  const rows = (await Promise.all(groups.map((group) => runners[group](env, dirs[group])))).flat();
  await step("runtimes: support table matches the expected one", 5_000, async () => {
    const table = supportTable(rows);
    writeFileSync(join(ctx.tmp, "runtimes.md"), table);
    console.log(table);
    return verdict(rows);
  });
}

// ---------------------------------------------------------------------------------------------
// The mock: one per group, on a fixed port and key so that it can be stopped and started again.

function mockBin(tools) {
  const pkgDir = join(tools, "node_modules/@org/auth-mock-server");
  const { bin } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  return join(pkgDir, typeof bin === "string" ? bin : Object.values(bin)[0]);
}

async function createMock(env, name) {
  const port = await freePort();
  const keyFile = join(env.ctx.tmp, `${name}-mock-key.json`);
  const key = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
  ]);
  writeFileSync(keyFile, JSON.stringify(await webcrypto.subtle.exportKey("jwk", key.privateKey)));
  const url = `http://127.0.0.1:${port}`;
  let child;
  return {
    url,
    async start() {
      child = spawnTracked(process.execPath, [env.mockBin], {
        cwd: env.tools,
        env: env.ctx.consumerEnv({
          OXAIGEN_AUTH_MOCK_PORT: String(port),
          OXAIGEN_AUTH_MOCK_SIGNING_KEY_FILE: keyFile,
        }),
      });
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`the mock exited:\n${child.output()}`);
          return (await fetch(`${url}/.well-known/jwks.json`).catch(() => null))?.ok === true;
        },
        { timeoutMs: 20_000, what: `the mock on ${url}` },
      );
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      killTree(child);
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Apps: a long-running process serving one or more targets (a target = a path prefix).

/** Starts `cmd args` and waits until it answers HTTP on `port`. */
async function startApp({ cmd, args, cwd, env, port, what, timeoutMs = 60_000, failsWhen }) {
  const child = spawnTracked(cmd, args, { cwd, env });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`${what} exited with ${child.exitCode}:\n${child.output()}`);
        }
        if (failsWhen?.test(child.output())) throw new Error(`${what}:\n${child.output()}`);
        const res = await fetch(`${url}/__smoke_ready`, {
          signal: AbortSignal.timeout(5_000),
        }).catch(() => null);
        return res !== null && res.status !== 503;
      },
      { timeoutMs, intervalMs: 250, what: `${what} to answer on ${url}` },
    );
  } catch (error) {
    killTree(child);
    throw error;
  }
  return { url, child, stop: () => killTree(child) };
}

/**
 * The group protocol: mint a JWT, stop the mock, start the apps (every mode), check that an
 * unreachable mock answers 502, start the mock again, run the live checks. A target whose app
 * does not start gets that reason in every cell.
 */
async function runGroup(env, group, appsFor, extra) {
  const { step } = env.ctx;
  const mock = await createMock(env, group);
  await mock.start();
  const jwt = await mintMockJwt(mock.url);
  await mock.stop();
  // Introspection mode asks the mock about an access token it issued (minted again below).
  const tokens = { proxy: "mock-dev-token", jwt, introspection: jwt };
  const started = [];
  const rows = [];
  try {
    await step(`${group}: start the apps (every mode)`, 240_000, async () => {
      const specs = (await Promise.all(MODES.map((mode) => appsFor(mode, mock.url)))).flat();
      const results = await Promise.allSettled(specs.map((spec) => startApp(spec)));
      results.forEach((result, i) => {
        for (const target of specs[i].targets) {
          const row = {
            group,
            target: target.name,
            mode: specs[i].mode,
            ws: target.ws === true,
            cells: {},
          };
          if (result.status === "fulfilled") {
            started.push(result.value);
            row.target = target.name;
            row.app = { ...target, url: result.value.url, output: result.value.child.output };
          } else {
            for (const check of checksOf(row)) row.cells[check.name] = startFailure(result.reason);
          }
          rows.push(row);
        }
      });
      const up = rows.filter((r) => r.app).length;
      return `${up} of ${rows.length} targets answer`;
    });
    const live = rows.filter((r) => r.app);
    await step(`${group}: mock stopped → 502`, 60_000, async () => {
      await Promise.all(live.map((row) => cell(row, DOWN_CHECK, tokens[row.mode])));
    });
    await mock.start();
    // The restarted mock knows none of the earlier process's sessions: introspection asks it about
    // a token of its own (JWT mode only needs the keys, which outlive the restart).
    tokens.introspection = await mintMockJwt(mock.url);
    await step(
      `${group}: no token, dev token, invalid token, permission granted/denied`,
      120_000,
      () =>
        Promise.all(
          live.map(async (row) => {
            for (const check of LIVE_CHECKS) {
              // After the failed attempt above, JWT mode waits out its short back-off (5 s)
              // before it asks for the keys again: the first live call may retry until then.
              await cell(row, check, tokens[row.mode], row.mode === "jwt" && check.token === "dev");
            }
          }),
        ),
    );
    const sockets = live.filter((r) => r.ws);
    if (sockets.length > 0) {
      await step(
        `${group}: WebSocket upgrades (no token, dev token, invalid token, permission denied)`,
        60_000,
        () =>
          Promise.all(
            sockets.map(async (row) => {
              for (const check of WS_CHECKS) await cell(row, check, tokens[row.mode]);
            }),
          ),
      );
    }
    if (extra) await extra({ mock, rows, started });
  } finally {
    for (const app of started) app.stop();
    await mock.stop().catch(() => {});
  }
  return rows;
}

async function cell(row, check, devToken, retryWhileBackingOff = false) {
  const deadline = Date.now() + (retryWhileBackingOff ? 8_000 : 0);
  for (;;) {
    try {
      const { status, body } = await statusOf(row.app, check, devToken);
      if (status === 502 && check.want !== 502 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      row.cells[check.name] = { status, body: body.slice(0, 200) };
    } catch (error) {
      row.cells[check.name] = { status: "no answer", body: String(error.message) };
    }
    return;
  }
}

function startFailure(error) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours
  const text = String(error?.message ?? error).replace(/\x1b\[[0-9;]*m/g, "");
  return { status: "no start", body: text.slice(-400) };
}

// ---------------------------------------------------------------------------------------------
// Groups

function bunGroup(env, dir) {
  const bun = BINARIES.bun();
  return runGroup(env, "bun", async (mode, mockUrl) =>
    Promise.all(
      ["hono", "web", "express"].map(async (entry) => {
        const port = await freePort();
        return {
          mode,
          what: `bun ${entry}.mjs (${mode})`,
          cmd: bun,
          args: [`${entry}.mjs`],
          cwd: dir,
          port,
          env: env.ctx.consumerEnv({ ...modeEnv(mode, mockUrl), PORT: String(port) }),
          targets: [{ name: `bun-${entry}`, prefix: "", ws: entry === "web" }],
        };
      }),
    ),
  );
}

// The packages were published a moment ago: Deno's default 24 h age gate would refuse them.
const DENO_FRESH = "--minimum-dependency-age=0";

/** Deno's settings: npm specifiers resolve from the local registry into one cache of this run. */
function denoEnv(ctx, extra = {}) {
  return ctx.consumerEnv({
    NPM_CONFIG_REGISTRY: ctx.registryUrl,
    DENO_DIR: join(ctx.tmp, "deno-dir"),
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    ...extra,
  });
}

/** Pins server.ts to the version just published and fills the cache both modes then share. */
async function denoCache(ctx, dir) {
  const entry = join(dir, "server.ts");
  const pinned = readFileSync(entry, "utf8").replaceAll("@VERSION", `@${ctx.serverVersion}`);
  writeFileSync(entry, pinned);
  await run(BINARIES.deno(), ["cache", DENO_FRESH, "server.ts"], {
    cwd: dir,
    env: denoEnv(ctx),
    timeoutMs: 300_000,
  });
}

function denoGroup(env, dir) {
  const deno = BINARIES.deno();
  return runGroup(env, "deno", async (mode, mockUrl) => {
    const port = await freePort();
    return [
      {
        mode,
        what: `deno server.ts (${mode})`,
        cmd: deno,
        args: [
          "run",
          DENO_FRESH,
          "--allow-net",
          "--allow-env",
          "--allow-read",
          "--allow-sys",
          "server.ts",
        ],
        cwd: dir,
        port,
        timeoutMs: 120_000,
        env: denoEnv(env.ctx, { ...modeEnv(mode, mockUrl), PORT: String(port) }),
        targets: [{ name: "deno-hono", prefix: "", ws: true }],
      },
    ];
  });
}

function wranglerEnv(env) {
  return env.ctx.consumerEnv({
    WRANGLER_SEND_METRICS: "false",
    XDG_CONFIG_HOME: join(env.ctx.tmp, "xdg"),
    NO_COLOR: "1",
    CI: "true",
  });
}

async function workersGroup(env, dir) {
  const wrangler = BINARIES.wrangler();
  const configs = [
    { name: "workerd", config: "wrangler.toml" },
    { name: "workerd-nodejs_compat", config: "wrangler.compat.toml" },
  ];
  const sizes = [];
  await env.ctx.step(
    "workers: bundle size (wrangler deploy --dry-run --minify)",
    180_000,
    async () => {
      for (const { name, config } of configs) {
        const outdir = join(dir, `dist-${name}`);
        try {
          await run(
            process.execPath,
            [wrangler, "deploy", "--dry-run", "--minify", "--outdir", outdir, "-c", config],
            { cwd: dir, env: wranglerEnv(env), timeoutMs: 120_000 },
          );
          const bytes = statSync(join(outdir, "worker.js")).size;
          sizes.push(`${name}: ${(bytes / 1024).toFixed(1)} KiB`);
        } catch (error) {
          sizes.push(`${name}: does not build (${firstError(error.message)})`);
        }
      }
      return sizes.join("; ");
    },
  );
  return runGroup(env, "workers", async (mode, mockUrl) =>
    Promise.all(
      configs.map(async ({ name, config }) => {
        const port = await freePort();
        const vars = Object.entries(modeEnv(mode, mockUrl)).flatMap(([k, v]) => [
          "--var",
          `${k}:${v}`,
        ]);
        return {
          mode,
          what: `wrangler dev -c ${config} (${mode})`,
          cmd: process.execPath,
          args: [
            wrangler,
            "dev",
            "-c",
            config,
            "--ip",
            "127.0.0.1",
            "--port",
            String(port),
            "--inspector-port",
            String(await freePort()),
            "--persist-to",
            join(env.ctx.tmp, `wrangler-state-${name}-${mode}`),
            "--show-interactive-dev-session=false",
            ...vars,
          ],
          cwd: dir,
          port,
          timeoutMs: 120_000,
          env: wranglerEnv(env),
          // wrangler keeps watching after a failed build: stop waiting at once.
          failsWhen: /Build failed|\[ERROR\]/,
          targets: [{ name, prefix: "", ws: true }],
        };
      }),
    ),
  );
}

function firstError(text) {
  const line = text.split("\n").find((l) => /error|could not resolve/i.test(l));
  return (line ?? text.split("\n")[0]).replace(/\s+/g, " ").trim().slice(0, 160);
}

async function nextGroup(env, dir) {
  const { step, consumerEnv } = env.ctx;
  const next = join(dir, "node_modules/next/dist/bin/next");
  const apps = [
    { name: "app", cwd: dir },
    // Next.js 16 fails the build of an app that has both middleware.ts and proxy.ts, so
    // middleware.ts (edge runtime) gets a second app that holds nothing else; both build at once.
    { name: "middleware app", cwd: join(dir, "mw-app") },
  ];
  const built = {};
  await Promise.all(
    apps.map(async (app) => {
      built[app.name] = await step(`next: next build (${app.name})`, 300_000, () =>
        run(process.execPath, [next, "build"], {
          cwd: app.cwd,
          env: consumerEnv({
            NEXT_TELEMETRY_DISABLED: "1",
            NODE_ENV: "production",
            // `next build` evaluates the edge route's module, guards included: a production
            // build needs valid production settings (each `next start` brings its own mode's).
            OXAIGEN_AUTH_ALLOWED_HOSTS: "127.0.0.1",
          }),
          timeoutMs: 300_000,
        }).then(
          () => ({ ok: true, summary: "built" }),
          (error) => ({ ok: false, error, summary: `FAILED: ${firstError(error.message)}` }),
        ),
      );
    }),
  );
  return runGroup(
    env,
    "next",
    async (mode, mockUrl) =>
      Promise.all(
        apps.map(async (app) => {
          const port = await freePort();
          const targets =
            app.name === "app"
              ? [
                  { name: "next-route-node", prefix: "/api/node" },
                  { name: "next-route-edge", prefix: "/api/edge" },
                  { name: "next-proxy.ts", prefix: "/px" },
                  { name: "next-server-component", prefix: "/rsc", html: true },
                ]
              : [{ name: "next-middleware.ts", prefix: "/mw" }];
          if (!built[app.name].ok) {
            // Not built: `startApp` fails at once with the build's error for every target.
            return {
              mode,
              what: `next build (${app.name})`,
              cmd: process.execPath,
              args: [
                "-e",
                `console.error(${JSON.stringify(firstError(built[app.name].error.message))}); process.exit(1)`,
              ],
              cwd: app.cwd,
              port,
              env: process.env,
              targets,
            };
          }
          return {
            mode,
            what: `next start (${app.name}, ${mode})`,
            cmd: process.execPath,
            args: [next, "start", "-H", "127.0.0.1", "-p", String(port)],
            cwd: app.cwd,
            port,
            env: consumerEnv({
              ...modeEnv(mode, mockUrl),
              SMOKE_MOCK_URL: mockUrl,
              NEXT_TELEMETRY_DISABLED: "1",
              NODE_ENV: "production",
            }),
            targets,
          };
        }),
      ),
    built.app.ok
      ? ({ rows }) =>
          step(
            "next: client page with AuthProvider signs in through the popup (Chromium)",
            120_000,
            () =>
              checkClientPage(
                rows
                  .filter((r) => r.target === "next-route-node" && r.app)
                  .map((r) => ({ url: r.app.url, mode: r.mode, output: r.app.output })),
              ),
          )
      : undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// The support table and its verdict

const cellText = (c) => (c === undefined ? "–" : String(c.status));

function supportTable(rows) {
  const columns = [...ALL_CHECKS, ...WS_CHECKS];
  const head = ["target", "mode", ...columns.map((c) => `${c.name} (${c.want})`)];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => {
      const cells = columns.map((check) => {
        if (!checksOf(row).includes(check)) return "–";
        const c = row.cells[check.name];
        return c?.status === check.want ? "ok" : `**${cellText(c)}**`;
      });
      return `| ${row.target} | ${row.mode} | ${cells.join(" | ")} |`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

/** Throws unless every cell is as wanted or a known failure that still fails the known way. */
function verdict(rows) {
  const problems = [];
  let known = 0;
  for (const row of rows) {
    for (const check of checksOf(row)) {
      const c = row.cells[check.name];
      const key = `${row.target}/${row.mode}/${check.name}`;
      const expected = KNOWN_FAILURES[`${row.target}/${row.mode}`]?.[check.name];
      if (c?.status === check.want) {
        if (expected !== undefined)
          problems.push(`${key}: now passes, remove it from knownFailures.mjs`);
      } else if (expected !== undefined && String(expected) === String(c?.status)) {
        known += 1;
      } else {
        problems.push(`${key}: answered ${cellText(c)}, expected ${check.want}: ${c?.body ?? ""}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const cells = rows.reduce((sum, row) => sum + checksOf(row).length, 0);
  return `${cells - known} of ${cells} cells pass, ${known} known failures (knownFailures.mjs)`;
}
