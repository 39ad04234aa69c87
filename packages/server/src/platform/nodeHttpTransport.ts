import { Agent, type IncomingMessage, request } from "node:http";
import type { HttpTransport, TransportOptions } from "../kernel/HttpTransport.js";
import { readLimitedStream } from "./readLimitedStream.js";

type Https = typeof import("node:https");

/** Methods a client may send again when the first attempt never reached the server. */
const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/**
 * Node's own `node:http` client (loaded already by any server): the cold-start transport, used
 * for the first upstream calls while undici's pool loads. `node:https` is imported only for an
 * https upstream.
 */
export function createNodeHttpTransport(options: TransportOptions): HttpTransport {
  const agents: Array<{ destroy(): void }> = [];
  let plain: Agent | undefined;
  let secure: Promise<{ agent: import("node:https").Agent; lib: Https }> | undefined;
  const clientFor = async (url: string) => {
    if (url.startsWith("https:")) {
      secure ??= import("node:https").then((lib) => {
        const agent = new lib.Agent({ keepAlive: true });
        agents.push(agent);
        return { agent, lib };
      });
      const { agent, lib } = await secure;
      return { agent, send: lib.request };
    }
    if (plain === undefined) {
      plain = new Agent({ keepAlive: true });
      agents.push(plain);
    }
    return { agent: plain, send: request };
  };
  return {
    ready: async () => undefined,
    async send(method, url, headers, signal, body) {
      const { agent, send } = await clientFor(url);
      // A sized body, not a chunked one: some authorization servers refuse chunked forms.
      const sized =
        body === undefined
          ? headers
          : { ...headers, "content-length": String(Buffer.byteLength(body)) };
      let staleReuse = false;
      const sendOnce = (via: Agent | false) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const outgoing = send(url, {
            method,
            headers: sized,
            agent: via,
            signal,
            timeout: options.timeoutMs,
          });
          outgoing.once("response", resolve);
          outgoing.once("error", (error: NodeJS.ErrnoException) => {
            // Node's agent can hand out an idle connection the server has just closed
            // (nodejs/node#47130): the request never reached the server.
            staleReuse = error.code === "ECONNRESET" && outgoing.reusedSocket;
            reject(error);
          });
          outgoing.end(body);
        });
      const response = await sendOnce(agent).catch((error: unknown) => {
        // An idempotent request goes again once, on a new connection, as undici does by itself;
        // anything else (a POST, a reset of a new connection, a timeout) fails as it came.
        if (staleReuse && IDEMPOTENT.has(method) && !signal.aborted) return sendOnce(false);
        throw error;
      });
      return {
        status: response.statusCode ?? 0,
        contentType: response.headers["content-type"],
        text: (maxBytes) => readLimitedStream(response, maxBytes),
        discard: async () => {
          response.resume();
        },
      };
    },
    close: async () => {
      for (const agent of agents) agent.destroy();
    },
  };
}
