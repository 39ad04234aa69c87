import type { RequestContext } from "./types.js";

/**
 * A node-style header record (node:http's `IncomingHttpHeaders` fits): lower-case names, repeated
 * headers as arrays. Declared here so that the kernel needs no `node:` types.
 *
 * @example
 * const headers: HeaderRecord = { authorization: `Bearer ${token}` };
 */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the public helpers accept as "a request": node:http / Express / Fastify requests, Web
 * `Request`s (Next.js, Hono), `Headers`, a plain header record, or a {@link RequestContext}.
 *
 * @example
 * const request: RequestLike = { headers: { authorization: `Bearer ${token}` } };
 * const user = await auth.getCurrentUser(request);
 */
export type RequestLike =
  | RequestContext
  | { headers: HeaderRecord | Headers; url?: string }
  | Headers
  | HeaderRecord;

/** Header access over node's lower-cased header object; duplicate values become one string. */
export class NodeHeadersContext implements RequestContext {
  constructor(private readonly headers: HeaderRecord) {}

  header(name: string): string | undefined {
    const value = this.headers[name];
    if (typeof value === "string") return value;
    return value === undefined ? undefined : value.join(", ");
  }
}

/** Header access over a Web `Request`; `host` falls back to the URL (fetch adapters drop it). */
export class WebRequestContext implements RequestContext {
  constructor(
    private readonly headers: Headers,
    private readonly url?: string,
  ) {}

  header(name: string): string | undefined {
    const value = this.headers.get(name);
    if (value !== null) return value;
    if (name === "host" && this.url !== undefined) {
      try {
        return new URL(this.url).host || undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

function isHeaders(value: unknown): value is Headers {
  return typeof (value as Headers | undefined)?.get === "function";
}

/** Adapts any {@link RequestLike} to a {@link RequestContext}. */
export function toRequestContext(request: RequestLike): RequestContext {
  if (typeof (request as RequestContext).header === "function") return request as RequestContext;
  if (isHeaders(request)) return new WebRequestContext(request);
  const headers = (request as { headers?: unknown }).headers;
  if (isHeaders(headers)) {
    return new WebRequestContext(headers, (request as { url?: string }).url);
  }
  if (headers !== null && typeof headers === "object") {
    return new NodeHeadersContext(headers as HeaderRecord);
  }
  return new NodeHeadersContext(request as HeaderRecord);
}
