import { type ChildProcess, spawn } from "node:child_process";

/** A child process started by the E2E, in its own process group. */
export interface RunningProcess {
  name: string;
  /** The URL the process printed when it became ready. */
  url: string;
  /** Everything it printed so far, prefixed (shown when a test fails). */
  logs(): string;
  /** SIGTERM its process group, SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
  /** Freeze (SIGSTOP) or thaw (SIGCONT) the process group: an upstream that stops answering. */
  freeze(frozen: boolean): void;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string | undefined>;
  /** First capture group is the URL the process listens on. */
  ready: RegExp;
  timeoutMs?: number;
}

const MAX_LOG_CHARS = 200_000;
const STOP_GRACE_MS = 3000;

/**
 * Spawn a server process and resolve once it prints the line matching `ready`.
 * @example
 * const api = await startProcess({ name: "api", command: process.execPath, args: ["main.js"],
 *   env: { PORT: "0" }, ready: /listening on (http:\/\/\S+)/ });
 */
export function startProcess(options: StartOptions): Promise<RunningProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, FORCE_COLOR: "0" },
    // Own process group, so stop() reaches grandchildren too (e.g. a CLI wrapper).
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer) => {
    const lines = chunk.toString("utf8").replace(/\n$/, "").split("\n");
    log += lines.map((line) => `[${options.name}] ${line}\n`).join("");
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
    if (process.env.E2E_VERBOSE)
      process.stderr.write(lines.map((l) => `[${options.name}] ${l}\n`).join(""));
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = once(() => stopChild(child, exited));

  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${options.name} did not become ready within ${timeoutMs} ms.\n${log}`));
    }, timeoutMs);
    const onData = () => {
      const match = options.ready.exec(log);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({
        name: options.name,
        url: match[1],
        logs: () => log,
        stop,
        freeze: (frozen) => killGroup(child.pid!, frozen ? "SIGSTOP" : "SIGCONT"),
      });
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited early (code ${code}, signal ${signal}).\n${log}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} could not start: ${error.message}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  killGroup(child.pid, "SIGCONT");
  killGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  // The leader is gone; make sure nothing it spawned outlives it.
  killGroup(child.pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
