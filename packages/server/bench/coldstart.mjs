// Cold start: process start → first answer of a protected route (a cache miss against the
// mock: get-me in proxy mode, discovery + JWKS in JWT mode), minus the same app without auth.
// Whole processes, variants interleaved, medians. `BENCH_COLD_RUNS` (default 9) runs each.
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
    const times = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < RUNS; i += 1) {
      // Rotate the order so that no variant always runs right after another.
      for (let j = 0; j < names.length; j += 1) {
        const name = names[(i + j) % names.length];
        const v = variants[name];
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
  } finally {
    await mock.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
