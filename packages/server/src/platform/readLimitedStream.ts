import { TooLarge } from "../kernel/HttpTransport.js";

/** A Node response body (node:http or undici): chunks, and a way to stop reading. */
interface NodeBody extends AsyncIterable<unknown> {
  destroy(): unknown;
}

/** The body as UTF-8 text; destroys it and throws TooLarge past `maxBytes`. */
export async function readLimitedStream(body: NodeBody, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new TooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
