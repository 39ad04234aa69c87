import type { HttpTransport, TransportOptions } from "../kernel/HttpTransport.js";
import { createNodeHttpTransport } from "./nodeHttpTransport.js";
import { createUndiciTransport } from "./undiciTransport.js";

const UPGRADE_DELAY_MS = 100;

/**
 * Node: the first upstream calls go through `node:http` (already loaded by the app's server, so
 * nothing to import on a cold start), and undici's keep-alive pool (the fastest cache miss measured here, but about +130 ms to
 * import) takes over once it has loaded, imported only after the first answer so that a cold
 * start never waits for it. Without undici installed (an optional peer dependency) every call
 * stays on `node:http`. A caller's own undici dispatcher is used from the first call.
 */
export function createNodeTransport(options: TransportOptions): HttpTransport {
  if (options.dispatcher !== undefined) return createUndiciTransport(options);
  const first = createNodeHttpTransport(options);
  let pool: HttpTransport | undefined;
  let loading: HttpTransport | undefined;
  let scheduled = false;
  let closed = false;
  const upgrade = () => {
    if (scheduled || closed) return;
    scheduled = true;
    // Later than the rest of the first answer (its body read, the app's reply): evaluating
    // undici blocks the thread for tens of milliseconds and must not delay that answer.
    const timer = setTimeout(() => {
      if (closed) return;
      loading = createUndiciTransport(options);
      const candidate = loading;
      candidate.ready().then(
        () => {
          if (!closed) pool = candidate;
        },
        () => undefined, // stays on fetch; the import's failure has no request to answer
      );
    }, UPGRADE_DELAY_MS);
    timer.unref?.();
  };
  return {
    ready: () => first.ready(),
    async send(method, url, headers, signal, body) {
      if (pool !== undefined) return pool.send(method, url, headers, signal, body);
      try {
        return await first.send(method, url, headers, signal, body);
      } finally {
        upgrade();
      }
    },
    async close() {
      closed = true;
      await first.close();
      await loading?.close();
    },
  };
}
