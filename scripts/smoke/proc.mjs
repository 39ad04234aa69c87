// Process helpers for the smoke test: free ports, bounded commands, process-group kill.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set();
/**
 * Every process group a detached child led, kept after the child exits: what it started may
 * outlive it (wrangler's esbuild service, in its `--ping` mode, held the runner's stderr pipe of
 * an exited child open for minutes, and with it the runner's event loop).
 */
const groups = new Set();

/** Sends `signal` to a process group; false when no process is left in it. */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills a child started with `detached: true` together with everything it started. */
export function killTree(child, signal = "SIGTERM") {
  live.delete(child);
  if (killGroup(child.pid, signal)) return;
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/** Kills every child this module started, and whatever their process groups still hold. */
export function killAll() {
  for (const child of [...live]) killTree(child, "SIGKILL");
  for (const pgid of groups) killGroup(pgid, "SIGKILL");
  groups.clear();
}

/** Tracks a detached child so that killAll() reaches it and its process group. */
export function track(child) {
  live.add(child);
  if (child.pid !== undefined) groups.add(child.pid);
  child.on("exit", () => live.delete(child));
  return child;
}

/**
 * Starts a long-running command in its own process group (so killTree reaches its children);
 * `child.output()` returns the tail of what it printed, for error messages.
 */
export function spawnTracked(cmd, args, { cwd, env }) {
  const child = track(
    spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true }),
  );
  let output = "";
  const collect = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  child.output = () => output.trim().split("\n").slice(-40).join("\n");
  return child;
}

/** Polls `check` until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(check, { timeoutMs, intervalMs = 200, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Runs a command to completion with a time limit; resolves to its combined output, rejects with
 * the command line, exit status and the tail of its output.
 */
export function run(cmd, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(cmd, args, {
        cwd,
        env: env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      }),
    );
    let output = "";
    const collect = (chunk) => {
      output += chunk;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      killTree(child, "SIGKILL");
      reject(commandError(cmd, args, `timed out after ${timeoutMs / 1000}s`, output));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(commandError(cmd, args, err.message, output));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(commandError(cmd, args, `exited with ${signal ?? code}`, output));
    });
  });
}

function commandError(cmd, args, why, output) {
  const tail = output.trim().split("\n").slice(-40).join("\n");
  return new Error(`\`${[cmd, ...args].join(" ")}\` ${why}${tail ? `:\n${tail}` : ""}`);
}
