import { Agent, type IncomingMessage, request } from "node:http";
import type { HttpTransport, TransportOptions } from "../kernel/HttpTransport.js";
import { readLimitedStream } from "./readLimitedStream.js";

type Https = typeof import("node:https");

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
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        // A sized body, not a chunked one: some authorization servers refuse chunked forms.
        const sized =
          body === undefined
            ? headers
            : { ...headers, "content-length": String(Buffer.byteLength(body)) };
        const outgoing = send(url, {
          method,
          headers: sized,
          agent,
          signal,
          timeout: options.timeoutMs,
        });
        outgoing.once("response", resolve);
        outgoing.once("error", reject);
        outgoing.end(body);
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
