// A throw-away verdaccio 5 on 127.0.0.1: temporary storage, anonymous publish for @org/* only,
// everything else proxied to the registry that `npm config get registry` names at run time.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freePort, killTree, waitFor } from "./proc.mjs";

const require = createRequire(import.meta.url);

/** YAML for a registry whose storage lives in `dir` and whose uplink is `upstream`. */
function verdaccioConfig(dir, upstream) {
  // JSON strings are valid YAML scalars: no hand-escaping of paths or URLs.
  const q = (s) => JSON.stringify(s);
  return `storage: ${q(join(dir, "storage"))}
auth:
  htpasswd:
    file: ${q(join(dir, "htpasswd"))}
    max_users: -1
uplinks:
  upstream:
    url: ${q(upstream)}
    timeout: 60s
    max_fails: 5
    fail_timeout: 10s
    cache: true
packages:
  "@org/*":
    access: $all
    publish: $anonymous
    unpublish: $anonymous
  "**":
    access: $all
    publish: $authenticated
    proxy: upstream
server:
  keepAliveTimeout: 60
web:
  enable: false
max_body_size: 200mb
log:
  type: stdout
  format: pretty
  level: warn
`;
}

/**
 * Starts verdaccio; resolves to `{ url, logFile, stop }`. `upstream` is the registry every
 * package outside @org/* is fetched from.
 */
export async function startRegistry({ dir, upstream, timeoutMs = 60_000 }) {
  const port = await freePort();
  const configFile = join(dir, "config.yaml");
  const logFile = join(dir, "verdaccio.log");
  mkdirSync(dir, { recursive: true });
  writeFileSync(configFile, verdaccioConfig(dir, upstream));
  const out = openSync(logFile, "a");
  const bin = require.resolve("verdaccio/bin/verdaccio");
  const child = spawn(
    process.execPath,
    [bin, "--config", configFile, "--listen", `127.0.0.1:${port}`],
    {
      stdio: ["ignore", out, out],
      detached: true,
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = `verdaccio exited (${signal ?? code})`;
  });
  await waitFor(
    async () => {
      if (exited) throw new Error(`${exited}; see ${logFile}`);
      const res = await fetch(`${url}-/ping`).catch(() => null);
      return res?.ok === true;
    },
    { timeoutMs, what: `verdaccio on ${url}` },
  );
  return { url, logFile, stop: () => killTree(child) };
}
