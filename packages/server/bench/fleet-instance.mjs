// One API instance of the fleet benchmark: node:http + @org/auth-server (built), in its own
// process. Env: PROXY_URL, REDIS_URL (empty: no Redis), PORT=0. Talks to the parent over IPC.
import { createServer } from "node:http";
import { createAuth } from "../dist/index.js";

// Counted, not printed: (d) reports how many lines a flood costs the logs.
let logLines = 0;
const auth = createAuth({
  env: {},
  proxyUrlOverride: process.env.PROXY_URL,
  logger: { warn: () => logLines++, error: () => logLines++ },
  // Longer than the run, so (a) counts sharing, not re-validation after the default 30 s TTL;
  // (d) sets CACHE_TTL shorter than its flood, so signed-in users are validated again during it.
  cacheTtlSeconds: Number(process.env.CACHE_TTL ?? 600),
  cacheMaxEntries: 4096,
  upstreamMaxConcurrency: Number(process.env.MAX_CONCURRENCY ?? 64),
  upstreamMaxQueue: Number(process.env.MAX_QUEUE ?? 512),
  redis: process.env.REDIS_URL ? { url: process.env.REDIS_URL, prefix: process.env.PREFIX } : false,
});

const server = createServer((req, res) => {
  auth.getCurrentUser(req).then(
    (user) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"id":"${user.id}"}`);
    },
    (error) => {
      res.writeHead(error.status ?? 500, error.headers ?? {});
      res.end();
    },
  );
});

server.keepAliveTimeout = 60_000;
await auth.ready();
server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
process.on("message", async (message) => {
  if (message.revoke) {
    const ok = await auth.revoke(message.revoke).then(
      () => true,
      () => false,
    );
    process.send({ revoked: ok });
  }
  if (message.logLines) process.send({ logLines });
  if (message.exit) {
    server.close();
    await auth.close();
    process.exit(0);
  }
});
