import { AuthError } from "./errors.js";

/** The errors {@link readBoundedText} throws, in the caller's terms (a 413, a 502…). */
export interface BoundedReadErrors {
  /** The stream went past the bound (it has been cancelled). */
  tooLarge(): AuthError;
  /** Reading failed for another reason. */
  failed(cause: unknown): AuthError;
}

/**
 * Reads a Web stream as UTF-8 text, at most `maxBytes`: past the bound it cancels the stream
 * and throws `errors.tooLarge()`, so an oversized body is never held whole. An empty stream
 * (null) is "".
 *
 * @example
 * const text = await readBoundedText(response.body, 512 * 1024, { tooLarge, failed });
 */
export async function readBoundedText(
  body: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
  errors: BoundedReadErrors,
): Promise<string> {
  const reader = body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw errors.tooLarge();
      }
      chunks.push(value);
    }
  } catch (cause) {
    throw cause instanceof AuthError ? cause : errors.failed(cause);
  }
  return decodeChunks(chunks);
}

/**
 * The UTF-8 text of byte chunks read one by one (no `Buffer`: the kernel runs on every runtime).
 *
 * @example
 * const text = decodeChunks([new TextEncoder().encode("logout_token="), rest]);
 */
export function decodeChunks(chunks: readonly Uint8Array[]): string {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
