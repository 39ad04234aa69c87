/** One upstream answer: its status and a way to read (bounded) or discard the body. */
export interface TransportResponse {
  status: number;
  /** The `content-type` header (repeated values joined). */
  contentType: string | undefined;
  /** The body as UTF-8 text; throws `TooLarge` past `maxBytes`. */
  text(maxBytes: number): Promise<string>;
  /** Frees the connection without reading the body. */
  discard(): Promise<void>;
}

/**
 * How the proxy client talks HTTP on this runtime: undici's keep-alive pool on Node, `fetch`
 * elsewhere (Bun, Deno, workerd, edge). Chosen by the package's `#platform` import.
 */
export interface HttpTransport {
  /** Resolves once the transport can send (loading its client library is not part of a deadline). */
  ready(): Promise<void>;
  send(
    method: "GET" | "POST",
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    /** A request body (e.g. an introspection form); sent as is, its type set by `headers`. */
    body?: string,
  ): Promise<TransportResponse>;
  close(): Promise<void>;
}

/** Thrown by `TransportResponse.text` when the body exceeds its limit. */
export class TooLarge extends Error {}

/** Transport settings the proxy client passes on. */
export interface TransportOptions {
  timeoutMs: number;
  /** An undici dispatcher (Node only). */
  dispatcher?: unknown;
}
