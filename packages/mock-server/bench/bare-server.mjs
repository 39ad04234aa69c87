// Baseline: the least a node:http server can do to answer get-me.
import { createServer } from "node:http";

const body = JSON.stringify({ id: "mock-user-id", is_authenticated: true });
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
