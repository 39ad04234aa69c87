// pnpm bench:fleet — 4 API instances on loopback, with and without Redis (AUTH_REDIS_URL).
// (a) 1,000 distinct tokens × 20 requests round-robin: upstream get-me calls;
// (b) revocation propagation to all 4 instances: p50 / p99;
// (c) cache-hit req/s with Redis configured ÷ without (hits stay in-process);
// (d) a flood of distinct bogus tokens: upstream calls, 503s, signed-in p99 latency.
// Bounded: about a minute in all. Needs `pnpm build` and redis-server on PATH.
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, createServer, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startRedis } from "../../../scripts/testing/startRedis.mjs";

const INSTANCES = 4;
const TOKENS = Number(process.env.FLEET_TOKENS ?? 1000);
const REPEATS = Number(process.env.FLEET_REPEATS ?? 20);
const FLOOD_SECONDS = Number(process.env.FLEET_FLOOD_SECONDS ?? 15);
const HIT_SECONDS = Number(process.env.FLEET_HIT_SECONDS ?? 3);
const HIT_ROUNDS = Number(process.env.FLEET_HIT_ROUNDS ?? 5);
const UPSTREAM_DELAY_MS = Number(process.env.FLEET_UPSTREAM_DELAY_MS ?? 5);
// Shorter than the flood: the signed-in user's cached answer expires while the flood runs.
const FLOOD_CACHE_TTL = Number(process.env.FLEET_FLOOD_CACHE_TTL ?? 2);

/** A stand-in proxy: tokens starting with "good-" are valid; counts get-me calls. */
async function startUpstream() {
  const calls = { getMe: 0 };
  const server = createServer((req, res) => {
    calls.getMe += 1;
    const token = (req.headers.authorization ?? "").slice(7);
    setTimeout(() => {
      if (!token.startsWith("good-")) return void res.writeHead(401).end();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ id: token.slice(5, 40), email: "u@example.com", is_authenticated: true }),
      );
    }, UPSTREAM_DELAY_MS);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}`, calls, close: () => server.close() };
}

async function startFleet(env, count = INSTANCES) {
  const instances = [];
  for (let i = 0; i < count; i++) {
    const child = fork(fileURLToPath(new URL("./fleet-instance.mjs", import.meta.url)), {
      env: { ...process.env, ...env },
    });
    const [{ port }] = await once(child, "message");
    instances.push({ child, url: `http://127.0.0.1:${port}` });
  }
  return {
    instances,
    stop: async () => {
      for (const { child } of instances) {
        child.send({ exit: true });
        await once(child, "exit");
      }
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
async function get(url, token) {
  try {
    return await getOnce(url, token);
  } catch {
    // A keep-alive socket the server closed as it was reused: send once more.
    return getOnce(url, token);
  }
}

function getOnce(url, token) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      `${url}/me`,
      { agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function pool(tasks, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function figureA(upstream, fleet, tag) {
  const before = upstream.calls.getMe;
  const tasks = [];
  for (let r = 0; r < REPEATS; r++) {
    for (let t = 0; t < TOKENS; t++) {
      const url = fleet.instances[(r + t) % INSTANCES].url;
      tasks.push(() => get(url, `good-${tag}-${t}`));
    }
  }
  await pool(tasks, 32);
  return upstream.calls.getMe - before;
}

async function figureB(fleet, trials = 40) {
  const latencies = [];
  for (let i = 0; i < trials; i++) {
    const token = `good-rev-${i}-${Date.now()}`;
    for (const { url } of fleet.instances) await get(url, token);
    const started = performance.now();
    fleet.instances[0].child.send({ revoke: { token } });
    const done = await Promise.all(
      fleet.instances.map(async ({ url }) => {
        while ((await get(url, token)).status === 200) {}
        return performance.now() - started;
      }),
    );
    latencies.push(Math.max(...done));
    await once(fleet.instances[0].child, "message");
  }
  latencies.sort((x, y) => x - y);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Cache-hit req/s of one instance for one round (the token is cached first). */
async function hitRound(url) {
  await get(url, "good-hit");
  const result = await autocannon({
    url: `${url}/me`,
    connections: 20,
    duration: HIT_SECONDS,
    headers: { authorization: "Bearer good-hit" },
  });
  return result.requests.average;
}

/**
 * (c) One instance with Redis and one without, alive side by side, measured in alternating
 * rounds so that drift and the other's processes hit both alike: medians and ranges.
 */
async function figureC(upstream, redisUrl) {
  const base = { PROXY_URL: upstream.url, PREFIX: `bench-c-${Date.now()}:` };
  const without = await startFleet({ ...base, REDIS_URL: "" }, 1);
  const withRedis = await startFleet({ ...base, REDIS_URL: redisUrl }, 1);
  const samples = { without: [], with: [] };
  try {
    for (let round = 0; round < HIT_ROUNDS; round++) {
      const order = round % 2 === 0 ? ["without", "with"] : ["with", "without"];
      for (const variant of order) {
        const fleet = variant === "with" ? withRedis : without;
        samples[variant].push(await hitRound(fleet.instances[0].url));
      }
    }
  } finally {
    await without.stop();
    await withRedis.stop();
  }
  const summary = (list) => {
    const sorted = [...list].sort((x, y) => x - y);
    return { median: pct(sorted, 50), min: sorted[0], max: sorted.at(-1) };
  };
  return { without: summary(samples.without), with: summary(samples.with) };
}

async function logLines(fleet) {
  let total = 0;
  for (const { child } of fleet.instances) {
    child.send({ logLines: true });
    const [message] = await once(child, "message");
    total += message.logLines;
  }
  return total;
}

async function figureD(upstream, fleet) {
  for (const { url } of fleet.instances) await get(url, "good-signed-in");
  const linesBefore = await logLines(fleet);
  const before = upstream.calls.getMe;
  let n = 0;
  const floods = fleet.instances.map(({ url }) =>
    autocannon({
      url: `${url}/me`,
      connections: 100,
      duration: FLOOD_SECONDS,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            headers: { authorization: `Bearer bogus-${process.pid}-${n++}-${Math.random()}` },
          }),
        },
      ],
    }),
  );
  const latencies = [];
  const statuses = { ok: 0, other: 0 };
  const deadline = Date.now() + FLOOD_SECONDS * 1000 - 500;
  let i = 0;
  while (Date.now() < deadline) {
    const r = await get(fleet.instances[i++ % INSTANCES].url, "good-signed-in");
    latencies.push(r.ms);
    if (r.status === 200) statuses.ok++;
    else statuses.other++;
  }
  const results = await Promise.all(floods);
  latencies.sort((x, y) => x - y);
  const codes = results.reduce(
    (acc, r) => ({
      r503: acc.r503 + (r.statusCodeStats["503"]?.count ?? 0),
      total: acc.total + r.requests.total,
    }),
    { r503: 0, total: 0 },
  );
  return {
    logLines: (await logLines(fleet)) - linesBefore,
    upstreamCalls: upstream.calls.getMe - before,
    floodRequests: codes.total,
    fast503: codes.r503,
    signedIn: {
      requests: latencies.length,
      ok: statuses.ok,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
    },
  };
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const hits = ({ median, min, max }) =>
  `${Math.round(median)} (${Math.round(min)}–${Math.round(max)})`;
const redis = await startRedis();
const upstream = await startUpstream();
const out = {};
try {
  for (const mode of ["without Redis", "with Redis"]) {
    const env = {
      PROXY_URL: upstream.url,
      REDIS_URL: mode === "with Redis" ? redis.url : "",
      PREFIX: `bench-${Date.now()}:`,
      MAX_CONCURRENCY: process.env.FLEET_MAX_CONCURRENCY ?? "16",
      MAX_QUEUE: process.env.FLEET_MAX_QUEUE ?? "64",
    };
    const fleet = await startFleet(env);
    const log = (what) => console.error(`[bench:fleet] ${mode}: ${what}`);
    const a = await figureA(upstream, fleet, mode === "with Redis" ? "r" : "n");
    log(`(a) ${a} upstream calls`);
    const b = mode === "with Redis" ? await figureB(fleet) : undefined;
    if (b) log(`(b) p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`);
    await fleet.stop();
    let d;
    if (mode === "with Redis") {
      const floodFleet = await startFleet({ ...env, CACHE_TTL: String(FLOOD_CACHE_TTL) });
      d = await figureD(upstream, floodFleet).finally(() => floodFleet.stop());
      log(`(d) signed-in ${d.signedIn.ok} of ${d.signedIn.requests} answered 200`);
    }
    out[mode] = { a, b, d };
  }
  out.c = await figureC(upstream, redis.url);
} finally {
  upstream.close();
  await redis.close();
  agent.destroy();
}
const withR = out["with Redis"];
const without = out["without Redis"];
console.log(JSON.stringify(out, null, 2));
console.log(`
| figure | without Redis | with Redis | target |
| --- | --- | --- | --- |
| (a) upstream get-me calls, ${TOKENS} tokens × ${REPEATS} round-robin on ${INSTANCES} instances | ${without.a} | ${withR.a} | ≤ 1,050 with Redis |
| (b) revocation reaches all ${INSTANCES} instances, p50 / p99 | — | ${fmt(withR.b.p50)} / ${fmt(withR.b.p99)} | p99 ≤ 100 ms |
| (c) cache-hit req/s on one instance, median (range) of ${HIT_ROUNDS} alternating ${HIT_SECONDS} s rounds | ${hits(out.c.without)} | ${hits(out.c.with)} (ratio ${(out.c.with.median / out.c.without.median).toFixed(2)}) | ratio ≥ 0.97 |
| (d) ${FLOOD_SECONDS} s flood of distinct bogus tokens, cache TTL ${FLOOD_CACHE_TTL} s: flood requests / upstream calls / fast 503s / log lines | — | ${withR.d.floodRequests} / ${withR.d.upstreamCalls} / ${withR.d.fast503} / ${withR.d.logLines} | bounded |
| (d) signed-in requests during the flood (their cached answer expires every ${FLOOD_CACHE_TTL} s): 200s / p50 / p99 | — | ${withR.d.signedIn.ok} of ${withR.d.signedIn.requests} / ${fmt(withR.d.signedIn.p50)} / ${fmt(withR.d.signedIn.p99)} | all 200 |
`);
