#!/usr/bin/env node
// Consumer smoke test: the packages as users get them. Publishes the built packages to a
// throw-away local registry, then installs and runs them in fresh folders outside the workspace,
// using only that registry. One line per step with its time; any failure names the step and why.
// It builds the three packages first (turbo: a cache hit when they are up to date).
// Usage: pnpm smoke
//        pnpm smoke --keep                 (keep the temporary folder for a post-mortem)
//        pnpm smoke --only=react,express   (a subset of: mock, express, fastify, react, bun, deno,
//                                           workers, next)
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startConsumerApp } from "./app.mjs";
import { freePort, killAll, killTree, run, spawnTracked, waitFor } from "./proc.mjs";
import { startRegistry } from "./registry.mjs";
import { runtimeSteps } from "./runtimes.mjs";
import { privateWorkspaceNames, tarballProblems, untar, workspaceOnlyRanges } from "./tarball.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "../..");
const fixtures = join(here, "fixtures");
const keep = process.argv.includes("--keep");
// --only=react,express: a subset of the consumer scenarios (for working on one; CI runs all).
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const wanted = (scenario) => !only || only.includes(scenario);
const PNPM = process.platform === "win32" ? "pnpm.cmd" : "pnpm";
const DEV_TOKEN = "mock-dev-token";

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const workspacePkg = (dir) => readJson(join(root, "packages", dir, "package.json"));

class StepFailure extends Error {}

let stepNo = 0;
const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Runs one named step with a time limit and prints one line with its duration. */
async function step(name, timeoutMs, fn) {
  stepNo += 1;
  const t0 = Date.now();
  let timer;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${secs(timeoutMs)}`)),
          timeoutMs,
        );
      }),
    ]);
    const note =
      typeof detail === "string" ? ` — ${detail}` : detail?.summary ? ` — ${detail.summary}` : "";
    console.log(`ok   ${String(stepNo).padStart(2)} ${name}${note} (${secs(Date.now() - t0)})`);
    return detail;
  } catch (err) {
    console.log(`FAIL ${String(stepNo).padStart(2)} ${name} (${secs(Date.now() - t0)})`);
    throw new StepFailure(`smoke step ${stepNo} "${name}" failed: ${err.message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts with a message that says what a consumer would see. */
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Temporary folders, the environment every consumer command gets, and cleanup on any exit.

const tmp = mkdtempSync(join(tmpdir(), "org-auth-smoke-"));
let registry;
const cleanups = [];

function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // best effort: the rest must still run
    }
  }
  killAll();
  registry?.stop();
  registry = undefined;
  if (!keep) rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.log(`smoke: ${signal} received, cleaning up`);
    cleanup();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}
process.on("exit", cleanup);

/**
 * Environment for commands that must use only the local registry: npm_config_* variables beat
 * every .npmrc, so no global or user config is read for the registry or modified. pnpm's
 * metadata cache is private to this run (the content-addressed store is shared: it is safe).
 */
function consumerEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // `pnpm smoke` exports the workspace's config as npm_config_*: none of it may leak in.
    if (/^npm_config_/i.test(key)) delete env[key];
  }
  return {
    ...env,
    npm_config_registry: registry.url,
    npm_config_cache_dir: join(tmp, "pnpm-cache"),
    npm_config_update_notifier: "false",
    FORCE_COLOR: "0",
    ...extra,
  };
}

/** A fresh consumer folder outside the workspace, with its own .npmrc naming only our registry. */
function consumerDir(name, manifest, fixture) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  if (fixture) cpSync(join(fixtures, fixture), dir, { recursive: true });
  if (manifest) writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, ".npmrc"), `registry=${registry.url}\n@org:registry=${registry.url}\n`);
  return dir;
}

async function install(dir) {
  // CI=true makes pnpm default to --frozen-lockfile; a fresh app has no lockfile yet.
  await run(PNPM, ["install", "--no-frozen-lockfile", "--reporter=append-only"], {
    cwd: dir,
    env: consumerEnv(),
    timeoutMs: 240_000,
  });
  assertOnlyLocalRegistry();
}

/** pnpm keeps one metadata folder per registry host: ours must be the only one. */
function assertOnlyLocalRegistry() {
  const cache = join(tmp, "pnpm-cache");
  const ours = new URL(registry.url).host.replace(":", "+");
  const hosts = readdirSync(cache)
    .filter((d) => d.startsWith("metadata"))
    .flatMap((d) => readdirSync(join(cache, d)));
  const others = hosts.filter((h) => h !== ours);
  expect(
    others.length === 0,
    `pnpm fetched metadata from ${others.join(", ")}, not only from the local registry`,
  );
}

/** `tsc --noEmit` for every tsconfig*.json of a consumer (e.g. NodeNext and legacy Node10). */
async function tsc(dir) {
  const configs = readdirSync(dir).filter((f) => /^tsconfig(\..+)?\.json$/.test(f));
  for (const config of configs) {
    await run(
      process.execPath,
      [join(dir, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", config],
      {
        cwd: dir,
        env: consumerEnv(),
        timeoutMs: 120_000,
      },
    );
  }
  return configs.join(", ");
}

// ---------------------------------------------------------------------------------------------
// Steps

const PACKAGES = ["server", "mock-server", "react"];

async function publishAll() {
  const names = [];
  for (const dir of PACKAGES) {
    const pkgDir = join(root, "packages", dir);
    const pkg = workspacePkg(dir);
    expect(
      existsSync(join(pkgDir, "dist")),
      `${pkg.name}: packages/${dir}/dist is missing: run \`pnpm build\` first`,
    );
    // The placeholder token only satisfies npm's "need auth" check: the temporary registry lets
    // anyone publish @org/* and nothing else.
    const npmrc = join(tmp, "publish.npmrc");
    const host = registry.url.replace(/^https?:/, "");
    writeFileSync(npmrc, `registry=${registry.url}\n${host}:_authToken=smoke-anonymous\n`);
    await run(
      PNPM,
      ["publish", "--no-git-checks", "--access", "public", "--registry", registry.url],
      {
        cwd: pkgDir,
        env: { ...consumerEnv(), npm_config_userconfig: npmrc },
        timeoutMs: 120_000,
      },
    );
    await verifyPublished(pkg);
    names.push(`${pkg.name}@${pkg.version}`);
  }
  return names.join(", ");
}

/** What the registry now serves must be installable outside the workspace. */
async function verifyPublished(pkg) {
  const res = await fetch(new URL(pkg.name.replace("/", "%2f"), registry.url));
  expect(res.ok, `${pkg.name}: the registry answers ${res.status} for the published package`);
  const doc = await res.json();
  const manifest = doc.versions?.[pkg.version];
  expect(manifest, `${pkg.name}@${pkg.version} is not in the registry after publishing`);
  const leftovers = workspaceOnlyRanges(manifest);
  expect(leftovers.length === 0, `${pkg.name}: published manifest has ${leftovers.join(", ")}`);
  expect(
    !JSON.stringify(manifest).includes("workspace:"),
    `${pkg.name}: published manifest still contains "workspace:"`,
  );
  const tgz = await fetch(manifest.dist.tarball);
  expect(tgz.ok, `${pkg.name}: tarball download answered ${tgz.status}`);
  const problems = tarballProblems(untar(Buffer.from(await tgz.arrayBuffer())), {
    privateNames: privateWorkspaceNames(root),
  });
  expect(problems.length === 0, `${pkg.name}: ${problems.join("; ")}`);
}

/** `pnpm dlx @org/auth-mock-server` in an empty folder; resolves to the mock's base URL. */
async function startMockViaDlx(port) {
  const dir = join(tmp, "dlx");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".npmrc"), `registry=${registry.url}\n@org:registry=${registry.url}\n`);
  const child = spawnTracked(PNPM, ["dlx", "@org/auth-mock-server"], {
    cwd: dir,
    env: consumerEnv({
      OXAIGEN_AUTH_MOCK_PORT: String(port),
      OXAIGEN_AUTH_MOCK_HOST: "127.0.0.1",
    }),
  });
  cleanups.push(() => killTree(child));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null)
        throw new Error(`it exited with ${child.exitCode}:\n${child.output()}`);
      const res = await fetch(`${url}/_oxa_auth/get-me`, {
        headers: { authorization: `Bearer ${DEV_TOKEN}` },
      }).catch(() => null);
      return res !== null;
    },
    { timeoutMs: 150_000, what: `the mock to listen on ${url}` },
  );
  return { url, child, summary: url };
}

async function checkMockGetMe({ url, child }) {
  expect(
    child.output().includes(url),
    `the CLI did not print the URL it listens on (${url}):\n${child.output()}`,
  );
  const me = await fetch(`${url}/_oxa_auth/get-me`, {
    headers: { authorization: `Bearer ${DEV_TOKEN}` },
  });
  expect(me.status === 200, `get-me with the dev token answered ${me.status}, expected 200`);
  const user = await me.json();
  expect(
    typeof user === "object" && user && typeof user.email === "string",
    `get-me answered ${JSON.stringify(user)}, expected a user with an email`,
  );
  const anon = await fetch(`${url}/_oxa_auth/get-me`);
  expect(anon.status === 401, `get-me without a token answered ${anon.status}, expected 401`);
  return { ...user, summary: `user ${user.email}` };
}

/** Runs one backend entry file and checks 401 without a token, 200 with the dev token. */
async function checkBackend(dir, entry, mockUrl, mockUser) {
  const app = await startConsumerApp(
    dir,
    entry,
    consumerEnv({
      OXAIGEN_AUTH_DEV_MODE: "1",
      OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl,
    }),
  );
  try {
    const anon = await fetch(`${app.url}/me`);
    expect(anon.status === 401, `GET /me without a token answered ${anon.status}, expected 401`);
    expect(
      /^bearer/i.test(anon.headers.get("www-authenticate") ?? ""),
      "the 401 has no WWW-Authenticate: Bearer challenge",
    );
    const bad = await fetch(`${app.url}/me`, {
      headers: { authorization: "Bearer not-a-valid-token" },
    });
    expect(
      bad.status === 401,
      `GET /me with an invalid token answered ${bad.status}, expected 401`,
    );
    const ok = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    const body = await ok.text();
    expect(
      ok.status === 200,
      `GET /me with the dev token answered ${ok.status}: ${body.slice(0, 300)}`,
    );
    const user = JSON.parse(body);
    expect(
      user.email === mockUser.email,
      `GET /me returned email ${JSON.stringify(user.email)}, the mock says ${JSON.stringify(mockUser.email)}`,
    );
    return "401 without token, 200 with the dev token";
  } finally {
    app.stop();
  }
}

/**
 * The root README's backend snippet, run as written from `server.mjs` in a CommonJS package (what
 * `npm init -y` makes); only its port moves to a free one. Its routes answer as the README says.
 */
async function checkReadmeSnippet(dir, mockUrl, mockUser) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const snippet = /```js\n(\/\/ server\.mjs\n[\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet, "README.md has no ```js block starting with `// server.mjs`");
  const listen = 'app.listen(8000, "127.0.0.1"';
  expect(snippet.includes(listen), `the README's server.mjs no longer calls ${listen}`);
  expect(readJson(join(dir, "package.json")).type === undefined, "the app must be CommonJS");
  const port = await freePort();
  // The port moves in the listen call and in the line the app prints.
  writeFileSync(join(dir, "server.mjs"), snippet.replaceAll("8000", String(port)));
  const app = await startConsumerApp(
    dir,
    "server.mjs",
    consumerEnv({ OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl }),
    { ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/ },
  );
  const get = async (path, token) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const res = await fetch(`${app.url}${path}`, { headers });
    return { status: res.status, body: await res.json() };
  };
  try {
    const cases = [
      ["/health", undefined, 200, { ok: true }],
      ["/v1/maybe-public", undefined, 200, { signedIn: false }],
      ["/v1/maybe-public", DEV_TOKEN, 200, { signedIn: true, email: mockUser.email }],
      ["/v1/me", undefined, 401],
      // The mock grants only `read` by default.
      ["/v1/audit", DEV_TOKEN, 403],
    ];
    for (const [path, token, status, body] of cases) {
      const got = await get(path, token);
      const what = `GET ${path} ${token ? "with" : "without"} the dev token`;
      expect(got.status === status, `${what} answered ${got.status}, expected ${status}`);
      if (body) {
        expect(
          JSON.stringify(got.body) === JSON.stringify(body),
          `${what} answered ${JSON.stringify(got.body)}, expected ${JSON.stringify(body)}`,
        );
      }
    }
    // The snippet's CORS answers the README's web app: a preflight, and the 401 it can read.
    const web = "http://localhost:5173";
    const preflight = await fetch(`${app.url}/v1/me`, {
      method: "OPTIONS",
      headers: { origin: web, "access-control-request-headers": "authorization" },
    });
    const anon = await fetch(`${app.url}/v1/me`, { headers: { origin: web } });
    expect(
      preflight.status === 204 &&
        preflight.headers.get("access-control-allow-origin") === web &&
        /authorization/i.test(preflight.headers.get("access-control-allow-headers") ?? "") &&
        anon.status === 401 &&
        anon.headers.get("access-control-allow-origin") === web,
      `CORS for ${web}: preflight ${preflight.status}, 401 with allow-origin ${anon.headers.get("access-control-allow-origin")}`,
    );
    const me = await get("/v1/me", DEV_TOKEN);
    expect(
      me.status === 200 && me.body.email === mockUser.email && Array.isArray(me.body.permissions),
      `GET /v1/me with the dev token answered ${me.status} ${JSON.stringify(me.body).slice(0, 200)}`,
    );
    return `${cases.length + 1} requests answered as the README says`;
  } finally {
    app.stop();
  }
}

/**
 * The server README's CORS snippet `// <file>` (Express, Fastify or node:http), run as written but
 * for its port, answers what a browser checks: a preflight from the allowed origin gets the
 * origin, the Authorization header and no credentials; a 200 and a 401 carry the origin (so the
 * browser shows the app the status, not a network error); another origin gets no CORS header.
 */
async function checkCorsSnippet(dir, file, mockUrl, mockUser) {
  const readme = readFileSync(join(root, "packages/server/README.md"), "utf8");
  const start = readme.indexOf(`\`\`\`js\n// ${file}\n`);
  const snippet =
    start === -1 ? undefined : readme.slice(start + 6, readme.indexOf("```", start + 6));
  expect(snippet, `packages/server/README.md has no \`\`\`js block starting with \`// ${file}\``);
  expect(snippet.includes("8000"), `the README's ${file} no longer listens on 8000`);
  const port = await freePort();
  writeFileSync(join(dir, file), snippet.replaceAll("8000", String(port)));
  const app = await startConsumerApp(
    dir,
    file,
    consumerEnv({ OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl }),
    { ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/ },
  );
  const WEB = "http://localhost:5173";
  const call = (method, origin, headers = {}) =>
    fetch(`${app.url}/v1/me`, { method, headers: { origin, ...headers } });
  const allowOrigin = (res) => res.headers.get("access-control-allow-origin");
  try {
    const preflight = await call("OPTIONS", WEB, {
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    });
    const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    expect(
      preflight.status === 204 &&
        allowOrigin(preflight) === WEB &&
        allowed.includes("authorization"),
      `the preflight answered ${preflight.status}, allow-origin ${allowOrigin(preflight)}, allow-headers "${allowed}"`,
    );
    expect(
      preflight.headers.get("access-control-allow-credentials") === null,
      "the Bearer set-up allows credentials: it must not",
    );
    const ok = await call("GET", WEB, { authorization: `Bearer ${DEV_TOKEN}` });
    const body = await ok.json();
    expect(
      ok.status === 200 && allowOrigin(ok) === WEB && body.email === mockUser.email,
      `GET /v1/me with the dev token from ${WEB} answered ${ok.status}, allow-origin ${allowOrigin(ok)}`,
    );
    const anon = await call("GET", WEB);
    expect(
      anon.status === 401 && allowOrigin(anon) === WEB,
      `GET /v1/me without a token answered ${anon.status}, allow-origin ${allowOrigin(anon)}: the browser would show a network error, not the 401`,
    );
    expect(
      /www-authenticate/i.test(anon.headers.get("access-control-expose-headers") ?? ""),
      "the 401 does not expose WWW-Authenticate",
    );
    const evil = await call("GET", "http://evil.example", { authorization: `Bearer ${DEV_TOKEN}` });
    expect(allowOrigin(evil) === null, `another origin got allow-origin ${allowOrigin(evil)}`);
    return "preflight 204 (Authorization, no credentials), 200 and 401 carry the origin, another origin none";
  } finally {
    app.stop();
  }
}

function serverManifest(name, framework) {
  const server = workspacePkg("server");
  const dev = server.devDependencies;
  const manifest = {
    name,
    private: true,
    dependencies: {
      "@org/auth-server": server.version,
      [framework]: dev[framework],
    },
    devDependencies: {
      "@types/node": dev["@types/node"],
      typescript: dev.typescript,
    },
  };
  if (framework === "express") manifest.devDependencies["@types/express"] = dev["@types/express"];
  return manifest;
}

function reactManifest() {
  const react = workspacePkg("react");
  const dev = react.devDependencies;
  return {
    name: "smoke-react-app",
    private: true,
    type: "module",
    scripts: { build: "vite build" },
    dependencies: {
      "@org/auth-react": react.version,
      "@tanstack/react-query": dev["@tanstack/react-query"],
      react: dev.react,
      "react-dom": dev["react-dom"],
    },
    devDependencies: {
      "@types/react": dev["@types/react"],
      "@types/react-dom": dev["@types/react-dom"],
      "@vitejs/plugin-react": "^6.0.0",
      typescript: dev.typescript,
      vite: "^8.0.0",
    },
  };
}

async function buildReactApp(dir) {
  await run(
    process.execPath,
    [join(dir, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    {
      cwd: dir,
      env: consumerEnv({ NODE_ENV: "production" }),
      timeoutMs: 180_000,
    },
  );
  const assets = join(dir, "dist", "assets");
  const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
  const bundle = js.map((f) => readFileSync(join(assets, f), "utf8")).join("\n");
  // Markers that only the auth provider's code carries: the auth API paths and the popup
  // message types of docs/contracts.md. Tree-shaking drops them if AuthProvider is not bundled.
  for (const marker of ["/_oxa_auth/", "OXA_AUTH_SUCCESS"]) {
    expect(
      bundle.includes(marker),
      `the built bundle (${js.join(", ")}) does not contain "${marker}": AuthProvider was not bundled`,
    );
  }
  return `${js.length} chunk(s), ${(Buffer.byteLength(bundle) / 1024).toFixed(0)} KiB, provider present`;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const upstream = execFileSync("npm", ["config", "get", "registry"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
  expect(
    /^https?:\/\//.test(upstream),
    `\`npm config get registry\` printed "${upstream}", not a URL`,
  );

  await step("build the packages (turbo; cached when up to date)", 600_000, async () => {
    const filters = PACKAGES.map((dir) => `--filter=${workspacePkg(dir).name}`);
    await run(PNPM, ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], {
      cwd: root,
      timeoutMs: 600_000,
    });
  });

  await step(
    "checks: the tarball checks catch broken packages (no files, bad bin…)",
    60_000,
    async () => {
      await run(process.execPath, ["--test", join(here, "tarball.test.mjs")], {
        cwd: root,
        timeoutMs: 60_000,
      });
    },
  );

  await step("registry: start verdaccio (temporary storage)", 90_000, async () => {
    registry = await startRegistry({ dir: join(tmp, "registry"), upstream });
    return `${registry.url}, uplink from \`npm config get registry\``;
  });

  await step("publish the three packages, verify manifests and tarballs", 240_000, publishAll);

  // The runtime apps (Bun, Deno, Workers, Next.js) run beside the Node ones: each group has its
  // own mock, so they do not wait for each other.
  const runtimes = runtimeSteps({
    step,
    consumerDir,
    install,
    consumerEnv,
    tmp,
    wanted,
    registryUrl: registry.url,
    serverVersion: workspacePkg("server").version,
    mockVersion: workspacePkg("mock-server").version,
    reactVersion: workspacePkg("react").version,
    devDeps: workspacePkg("server").devDependencies,
    reactDevDeps: workspacePkg("react").devDependencies,
  });
  const backends = ["express", "fastify"].filter(wanted);
  const node = (async () => {
    if (backends.length > 0 || wanted("mock")) await mockSteps(backends);
    if (wanted("react")) await reactSteps();
  })();
  const [a, b] = await Promise.allSettled([node, runtimes]);
  for (const result of [a, b]) if (result.status === "rejected") throw result.reason;
}

async function mockSteps(backends) {
  const port = await freePort();
  const mock = await step("mock: `pnpm dlx @org/auth-mock-server` starts", 180_000, () =>
    startMockViaDlx(port),
  );
  const mockUser = await step(
    "mock: answers get-me (200 with the dev token, 401 without)",
    20_000,
    () => checkMockGetMe(mock),
  );

  for (const framework of backends) {
    const dir = consumerDir(
      `${framework}-app`,
      serverManifest(`smoke-${framework}-app`, framework),
      framework,
    );
    await step(`${framework}: install @org/auth-server + ${framework}`, 240_000, () =>
      install(dir),
    );
    await step(`${framework}: ESM app protects a route`, 30_000, () =>
      checkBackend(dir, "app.mjs", mock.url, mockUser),
    );
    await step(`${framework}: CommonJS app protects a route`, 30_000, () =>
      checkBackend(dir, "app.cjs", mock.url, mockUser),
    );
    await step(`${framework}: tsc --noEmit (ESM .mts + CommonJS .cts)`, 120_000, () => tsc(dir));
    if (framework === "express") {
      await step("express: the README's server.mjs runs as written", 30_000, () =>
        checkReadmeSnippet(dir, mock.url, mockUser),
      );
    }
    // The README's CORS set-ups; node:http needs nothing but the SDK, so it runs beside Express.
    for (const file of framework === "express"
      ? ["cors-express.mjs", "cors-node.mjs"]
      : ["cors-fastify.mjs"]) {
      await step(
        `${framework}: the server README's ${file} answers CORS as a browser needs`,
        30_000,
        () => checkCorsSnippet(dir, file, mock.url, mockUser),
      );
    }
  }
}

async function reactSteps() {
  const reactDir = consumerDir("react-app", reactManifest(), "react");
  await step("react: install @org/auth-react + react-query + react + vite", 300_000, () =>
    install(reactDir),
  );
  await step("react: vite build, bundle contains AuthProvider", 180_000, () =>
    buildReactApp(reactDir),
  );
  await step("react: tsc --noEmit", 120_000, () => tsc(reactDir));
}

try {
  await main();
  console.log(`smoke: all ${stepNo} steps passed in ${secs(Date.now() - started)}`);
  if (keep) console.log(`smoke: kept ${tmp}`);
} catch (err) {
  console.error(err instanceof StepFailure ? err.message : `smoke: ${err.stack ?? err}`);
  if (registry)
    console.error(`(registry log: ${keep ? registry.logFile : "kept only with --keep"})`);
  process.exitCode = 1;
} finally {
  cleanup();
  // Everything is done and its processes killed: a handle something left open (a grandchild's
  // pipe) must not keep CI waiting.
  process.exit();
}
