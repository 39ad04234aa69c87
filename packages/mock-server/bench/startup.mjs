// Start-up benchmark: process spawn → first 200 from get-me, median of N runs, side by side.
// Usage: pnpm --filter @org/auth-mock-server bench   (RUNS=15 to change the count)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const RUNS = Math.max(10, Number(process.env.RUNS ?? 15));
const DEADLINE_MS = 15_000;

const cli = join(pkg, "bin/cli.js");
if (!existsSync(join(pkg, "dist/cli.js"))) {
  console.error("dist/cli.js is missing: run `pnpm --filter @org/auth-mock-server build` first");
  process.exit(1);
}
const oauth2Cli = join(
  dirname(createRequire(import.meta.url).resolve("oauth2-mock-server/package.json")),
  "dist/oauth2-mock-server.js",
);

/** Each contender: how to start it on a port, and which URL counts as "ready". */
const contenders = [
  {
    name: "bare node:http",
    args: () => [join(here, "bare-server.mjs")],
    env: (port) => ({ PORT: String(port) }),
    path: "/_oxa_auth/get-me",
  },
  {
    name: "@org/auth-mock-server",
    args: () => [cli],
    env: (port) => ({ OXAIGEN_AUTH_MOCK_PORT: String(port) }),
    path: "/_oxa_auth/get-me",
  },
  {
    name: "oauth2-mock-server",
    args: (port) => [oauth2Cli, "-a", "127.0.0.1", "-p", String(port)],
    env: () => ({}),
    // It has no get-me; its discovery document is its cheapest authenticated-free 200.
    path: "/.well-known/openid-configuration",
  },
];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(port, path) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: { authorization: "Bearer mock-dev-token" },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", () => resolve(0));
    req.end();
  });
}

/**
 * Spawn, wait for its URL on stdout (each prints one once it listens; waiting for it keeps a
 * polling client from stealing CPU from the starting process), then GET until the first 200.
 */
async function once(c) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, c.args(port), {
    env: { ...process.env, ...c.env(port) },
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    await new Promise((resolve) => {
      let out = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
        if (out.includes("http://")) resolve();
      });
      child.once("exit", resolve);
      setTimeout(resolve, DEADLINE_MS);
    });
    while (performance.now() - t0 < DEADLINE_MS) {
      if ((await get(port, c.path)) === 200) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 1));
    }
    throw new Error(`${c.name} did not answer 200 within ${DEADLINE_MS} ms`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = new Map(contenders.map((c) => [c.name, []]));
for (const c of contenders) await once(c); // warm the disk cache
for (let i = 0; i < RUNS; i++) {
  // Interleave the contenders so machine noise spreads evenly.
  for (const c of contenders) results.get(c.name).push(await once(c));
}

const bare = median(results.get("bare node:http"));
const bareMin = Math.min(...results.get("bare node:http"));
const rows = contenders.map((c) => {
  const xs = results.get(c.name);
  const m = median(xs);
  return {
    name: c.name,
    median: m,
    min: Math.min(...xs),
    ratio: m / bare,
    minRatio: Math.min(...xs) / bareMin,
  };
});
console.log(
  `Start-up to first 200 (median of ${RUNS} runs, node ${process.version}, ${process.platform}/${process.arch})\n`,
);
console.log("| server | median (ms) | median vs bare | min (ms) | min vs bare |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  const cells = [
    r.median.toFixed(1),
    `${r.ratio.toFixed(2)}×`,
    r.min.toFixed(1),
    `${r.minRatio.toFixed(2)}×`,
  ];
  console.log(`| ${r.name} | ${cells.join(" | ")} |`);
}
const ours = rows[1];
const peer = rows[2];
console.log(
  `\ntargets: ≤ 1.20× bare → ${ours.ratio.toFixed(2)}× ${ours.ratio <= 1.2 ? "met" : "MISSED"}; ` +
    `faster than oauth2-mock-server → ${(peer.median / ours.median).toFixed(2)}× faster ${ours.median < peer.median ? "met" : "MISSED"}`,
);
