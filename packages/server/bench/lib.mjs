// Shared benchmark helpers: loopback only, bounded duration, servers in child processes so the
// load generator (this process) and the server under test do not share an event loop.
import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export const DURATION = Number(process.env.BENCH_DURATION ?? 3);
export const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

/** A stand-in auth proxy on 127.0.0.1:0 that counts get-me calls. */
export async function startStandInProxy(tokens, { delayMs = 0 } = {}) {
  const calls = { getMe: 0 };
  const server = createServer((req, res) => {
    if (req.url !== "/_oxa_auth/get-me") return void res.writeHead(404).end();
    calls.getMe += 1;
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const answer = () => {
      if (!tokens.has(token)) return void res.writeHead(401).end();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "bench-user", email: "bench@example.com" }));
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    tokens,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Forks a server script (it must `process.send({ port })` once listening). */
export async function startServer(script, args, env) {
  const child = fork(fileURLToPath(script), args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const message = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`${script} ${args.join(" ")} exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${message.port}`,
    /** User + system CPU microseconds the server has used so far. */
    cpu: async () => {
      child.send("cpu");
      const [{ cpu }] = await once(child, "message");
      return cpu.user + cpu.system;
    },
    close: async () => {
      child.kill();
      await once(child, "exit");
    },
  };
}

/** Runs autocannon and resolves its result. */
export function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * One bounded run after a warm-up: req/s, and the server's CPU µs per request (less sensitive to
 * other load on the machine than req/s). Fails loudly on non-2xx answers.
 */
export async function measure(server, path, headers) {
  const common = { url: server.url + path, headers, connections: CONNECTIONS };
  await cannon({ ...common, duration: WARMUP });
  const cpuBefore = await server.cpu();
  const result = await cannon({ ...common, duration: DURATION });
  const cpuUsed = (await server.cpu()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${common.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { rps: result.requests.average, cpuPerRequest: cpuUsed / result.requests.total };
}

/** Fires `count` concurrent requests (one connection each) and waits for all answers. */
export async function burst(url, headers, count) {
  const result = await cannon({ url, headers, connections: count, amount: count, timeout: 30 });
  return { ok: result["2xx"], total: result.requests.total };
}

/** Prints rows as a Markdown table (also pasted into the README). */
export function printTable(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  console.log(line(header));
  console.log(line(header.map(() => "---")));
  for (const row of rows) console.log(line(row));
}
