// A stand-in auth proxy for the benches, in a module of its own: importing it pins no CPU and
// loads no load generator (bench children import it too).
import { once } from "node:events";
import { createServer } from "node:http";

/**
 * A stand-in auth proxy on 127.0.0.1:0 that counts get-me calls: it answers a user for every
 * token in `tokens` (for any token when `tokens` is undefined) and 401 for the rest.
 */
export async function startStandInProxy(tokens, { delayMs = 0 } = {}) {
  const calls = { getMe: 0 };
  const server = createServer((req, res) => {
    if (req.url !== "/_oxa_auth/get-me") return void res.writeHead(404).end();
    calls.getMe += 1;
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const answer = () => {
      if (tokens !== undefined && !tokens.has(token)) return void res.writeHead(401).end();
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
