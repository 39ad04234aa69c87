import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".json": "application/json",
};

export interface StaticServer {
  port: number;
  /** Change the folder served (the web build happens after the port is known). */
  setRoot(root: string): void;
  close(): Promise<void>;
}

/**
 * Serve a built single-page app (or any folder) on 127.0.0.1, falling back to index.html.
 * @example
 * const web = await startStaticServer(); web.setRoot("/tmp/build");
 */
export async function startStaticServer(
  routes: Record<string, string> = {},
  port = 0,
): Promise<StaticServer> {
  let root: string | undefined;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const inline = routes[path];
    if (inline !== undefined) {
      res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
      res.end(inline);
      return;
    }
    if (!root) {
      res.writeHead(503).end("not built yet");
      return;
    }
    void serveFile(root, path).then(
      ({ body, type }) => {
        res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
        res.end(body);
      },
      () => res.writeHead(404).end("not found"),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setRoot: (dir) => {
      root = dir;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serveFile(root: string, path: string) {
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) throw new Error("outside root");
  try {
    if (extname(file) === "") throw new Error("SPA route");
    return { body: await readFile(file), type: TYPES[extname(file)] ?? "application/octet-stream" };
  } catch {
    return { body: await readFile(join(root, "index.html")), type: TYPES[".html"]! };
  }
}
