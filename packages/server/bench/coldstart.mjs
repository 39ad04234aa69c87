// Cold start: process start → first answer of a protected route (a cache miss against the
// mock: get-me in proxy mode, discovery + JWKS in JWT mode), minus the same app without auth.
// Whole processes, variants interleaved, medians. `BENCH_COLD_RUNS` (default 9) runs each.
// Control processes that only import one library run in the same rotation.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { startMockServer } from "@org/auth-mock-server";
import { printTable } from "./lib.mjs";

const APP = new URL("./coldstart-app.mjs", import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);

/** Milliseconds from spawn to the first answer of GET /me; checks the answer's status. */
function coldStart(args, env, token, wantStatus) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [APP, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let seen = "";
    child.stdout.on("data", async (chunk) => {
      // Once the request is out, later output must not start a second one.
      if (seen === null) return;
      seen += chunk;
      const port = /LISTENING (\d+)/.exec(seen)?.[1];
      if (!port) return;
      seen = null;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/me`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (res.status !== wantStatus) throw new Error(`GET /me answered ${res.status}`);
        resolve(ms);
      } catch (error) {
        reject(error);
      } finally {
        child.kill();
      }
    });
    child.on("exit", (code) => {
      if (seen !== null) reject(new Error(`the app exited with ${code} before listening`));
    });
  });
}

/**
 * Controls: milliseconds from spawn to exit of `node` evaluating one ESM snippet, so the table
 * shows what loading each library costs on its own, measured in the same interleaved run.
 */
const CONTROLS = {
  "node, nothing imported": "",
  'import("express")': 'await import("express")',
  'import("@org/auth-server/express")': 'await import("@org/auth-server/express")',
  'import("undici")': 'await import("undici")',
  'import("jose")': 'await import("jose")',
  // Node's global fetch loads its own bundled undici on first use (JWT mode fetches with it).
  "first global fetch (data: URL)": 'await fetch("data:,x")',
};

function processLifetime(code) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd: new URL("..", import.meta.url).pathname,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("exit", (status) => {
      if (status === 0) resolve(performance.now() - t0);
      else reject(new Error(`node -e ${JSON.stringify(code)} exited with ${status}`));
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run() {
  const mock = await startMockServer({});
  try {
    const jwt = await mock.mock.createAccessToken();
    const variants = {
      none: { args: ["none"], env: {}, token: "mock-dev-token", status: 200 },
      proxy: {
        args: ["auth"],
        env: { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: mock.url },
        token: "mock-dev-token",
        status: 200,
      },
      jwt: {
        args: ["auth"],
        env: { AUTH_ISSUER: mock.url, AUTH_AUDIENCE: "oxaigen-mock" },
        token: jwt,
        status: 200,
      },
    };
    const names = Object.keys(variants);
    const controls = Object.keys(CONTROLS);
    const all = [...names, ...controls];
    const times = Object.fromEntries(all.map((n) => [n, []]));
    for (let i = 0; i < RUNS; i += 1) {
      // Rotate the order so that no variant always runs right after another.
      for (let j = 0; j < all.length; j += 1) {
        const name = all[(i + j) % all.length];
        const v = variants[name];
        if (v === undefined) {
          times[name].push(await processLifetime(CONTROLS[name]));
          continue;
        }
        const env = { NODE_ENV: "production", ...v.env };
        times[name].push(await coldStart(v.args, env, v.token, v.status));
      }
    }
    const base = median(times.none);
    console.log(
      `\n## Cold start (Node ${process.versions.node}, Express 5): medians of ${RUNS} interleaved runs\n`,
    );
    printTable(
      ["app", "spawn → first answer (median)", "range", "cost of auth (median − no auth)"],
      names.map((n) => [
        n === "none" ? "no auth" : `${n} mode`,
        `${median(times[n]).toFixed(0)} ms`,
        `${Math.min(...times[n]).toFixed(0)}–${Math.max(...times[n]).toFixed(0)} ms`,
        n === "none" ? "–" : `+${(median(times[n]) - base).toFixed(0)} ms`,
      ]),
    );
    const bare = median(times[controls[0]]);
    console.log(
      `\nControls, same run: \`node --input-type=module -e <snippet>\`, spawn → exit (cwd packages/server)\n`,
    );
    printTable(
      ["snippet", "spawn → exit (median)", "range", "cost (median − nothing imported)"],
      controls.map((n, k) => [
        n,
        `${median(times[n]).toFixed(0)} ms`,
        `${Math.min(...times[n]).toFixed(0)}–${Math.max(...times[n]).toFixed(0)} ms`,
        k === 0 ? "–" : `+${(median(times[n]) - bare).toFixed(0)} ms`,
      ]),
    );
  } finally {
    await mock.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
