// The one way tests and benches start Redis: a real `redis-server` on a free 127.0.0.1 port,
// without persistence, owned by whoever started it. Types: startRedis.d.mts beside this file.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { REDIS_SERVER } from "./ensureTestTools.mjs";

const READY = "Ready to accept connections";
/** Generous: a loaded 2-core machine; a healthy redis-server is ready in milliseconds. */
const START_TIMEOUT_MS = 15_000;
/** Another process may take the free port between the probe and redis-server's bind. */
const PORT_TRIES = 3;

/** How to get redis-server, for the message when it is missing. */
const INSTALL_HINT = `${REDIS_SERVER.hint}, or run \`node scripts/testing/ensureTestTools.mjs\` as root (\`pnpm test\` runs it first)`;

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (closed again before it is returned).
 * @example
 * const port = await freePort();
 */
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` and resolves
 * once it accepts connections.
 * @example
 * const redis = await startRedis();
 * const client = createClient({ url: redis.url });
 * await redis.close();
 */
export async function startRedis() {
  const started = await spawnOnFreePort();
  const { port } = started;
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = started.child;
  const stop = async (/** @type {NodeJS.Signals} */ signal) => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, "exit");
    running.kill(signal);
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => stop("SIGKILL"),
    restart: async () => {
      await stop("SIGKILL");
      child = await spawnRedis(port);
    },
    close: () => stop("SIGTERM"),
  };
}

async function spawnOnFreePort() {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await spawnRedis(port) };
    } catch (error) {
      const taken = /already in use/i.test(/** @type {Error} */ (error).message);
      if (!taken || attempt === PORT_TRIES) throw error;
    }
  }
}

/** @returns {Promise<import("node:child_process").ChildProcess>} */
function spawnRedis(/** @type {number} */ port) {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const fail = (/** @type {Error} */ error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start on port ${port}:\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.once("error", (error) => {
      const missing = /** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT";
      fail(
        new Error(
          missing
            ? `redis-server is not installed or not on PATH: ${INSTALL_HINT}.`
            : `redis-server could not be started (${error.message}): ${INSTALL_HINT}.`,
        ),
      );
    });
    const onExit = (/** @type {number | null} */ code, /** @type {string | null} */ signal) =>
      fail(
        new Error(
          `redis-server exited (${signal ?? `code ${code}`}) before it was ready on port ${port}:\n${output}`,
        ),
      );
    child.once("exit", onExit);
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk;
      if (!output.includes(READY)) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", collect).resume();
      child.stderr?.off("data", collect).resume();
      resolve(child);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
  });
}
