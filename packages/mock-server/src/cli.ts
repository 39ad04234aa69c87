import { runCli } from "./cli/runCli.js";

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

async function main(): Promise<void> {
  const result = await runCli(process.argv.slice(2), process.env, io);
  if (typeof result === "number") {
    process.exitCode = result;
    return;
  }
  const stop = () => void result.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (result.reloadable) process.on("SIGHUP", () => void result.reload("SIGHUP"));
  const file = result.watchedFile;
  if (file) {
    const { watchFile } = await import("node:fs");
    watchFile(file, { interval: 500 }, (cur, prev) => {
      if (cur.mtimeMs !== prev.mtimeMs) void result.reload(`${file} changed`);
    });
  }
}

main().catch((error: unknown) => {
  io.err(`auth-mock-server: ${(error as Error)?.message ?? String(error)}`);
  process.exitCode = 1;
});
