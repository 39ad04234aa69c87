import type { Dispatcher } from "undici";
import type { HttpTransport, TransportOptions } from "../kernel/HttpTransport.js";
import { readLimitedStream } from "./readLimitedStream.js";

type Undici = typeof import("undici");
let undici: Promise<Undici> | undefined;

/**
 * Node: undici's keep-alive pool (the fastest cache miss measured here), or the caller's
 * dispatcher. undici is an optional peer dependency: imported when a proxy client is created, in
 * the background (an app in JWT mode or with auth disabled never loads it, and start-up does not
 * wait for it); when the app has not installed it the import fails and the caller stays on
 * `node:http`. The bundler hints keep webpack and Turbopack (Next.js) from resolving it at build
 * time, where a missing optional peer would fail the build.
 */
export function createUndiciTransport(options: TransportOptions): HttpTransport {
  const own = options.dispatcher === undefined;
  let dispatcher = options.dispatcher as Dispatcher | undefined;
  undici ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "undici");
  const loaded = undici.then(({ Agent, request }) => {
    dispatcher ??= new Agent({
      keepAliveTimeout: 30_000,
      connections: 128,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    return { request, dispatcher };
  });
  // A failed import surfaces on the first call (as a 502 with its cause), never as an unhandled rejection.
  loaded.catch(() => undefined);
  return {
    ready: async () => {
      await loaded;
    },
    async send(method, url, headers, signal, body) {
      const { request, dispatcher } = await loaded;
      const response = await request(url, { method, dispatcher, signal, headers, body });
      return {
        status: response.statusCode,
        contentType: joined(response.headers["content-type"]),
        text: (maxBytes) => readLimitedStream(response.body, maxBytes),
        discard: () => response.body.dump(),
      };
    },
    close: async () => {
      await loaded.catch(() => undefined);
      if (own) await dispatcher?.close();
    },
  };
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
