import { ConfigurationError } from "../kernel/errors.js";
import { type HttpTransport, TooLarge, type TransportOptions } from "../kernel/HttpTransport.js";

/**
 * The Web `fetch` transport (Bun, Deno, workerd, edge runtimes): the runtime pools connections.
 * A Node-only option fails here, at construction, never per request.
 */
export function createFetchTransport(options: TransportOptions, runtime: string): HttpTransport {
  if (options.dispatcher !== undefined) {
    throw new ConfigurationError(
      `ProxyAuthClient's \`dispatcher\` is an undici (Node) option, and this is ${runtime}: remove it; the client uses this runtime's fetch.`,
    );
  }
  return {
    ready: async () => undefined,
    async send(method, url, headers, signal, body) {
      const response = await fetch(url, { method, headers, signal, body, redirect: "manual" });
      return {
        status: response.status,
        contentType: response.headers.get("content-type") ?? undefined,
        text: (maxBytes) => readLimited(response, maxBytes),
        discard: async () => {
          await response.body?.cancel().catch(() => undefined);
        },
      };
    },
    close: async () => undefined,
  };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}
