// Starts one consumer backend (a fixture that prints "LISTENING <port>") and stops it again.
import { join } from "node:path";
import { killTree, spawnTracked, waitFor } from "./proc.mjs";

/**
 * Runs `node <entry>` in `dir`; resolves to `{ url, stop }` once the app says it listens (`ready`
 * captures the port).
 */
export async function startConsumerApp(
  dir,
  entry,
  env,
  { timeoutMs = 20_000, ready = /LISTENING (\d+)/ } = {},
) {
  const child = spawnTracked(process.execPath, [join(dir, entry)], { cwd: dir, env });
  let port;
  child.stdout.on("data", (chunk) => {
    port ??= ready.exec(String(chunk))?.[1];
  });
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) {
          throw new Error(`node ${entry} exited with ${child.exitCode}:\n${child.output()}`);
        }
        return port !== undefined;
      },
      { timeoutMs, intervalMs: 50, what: `node ${entry} to print ${ready}` },
    );
  } catch (err) {
    killTree(child);
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => killTree(child) };
}
