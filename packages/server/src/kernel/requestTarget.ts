/**
 * What a DPoP proof is checked against besides headers: the request's method, its path as the
 * client sent it (query and fragment are not part of `htu`), and the scheme and host the server
 * itself saw (the fallback when no trusted forwarded header says otherwise).
 *
 * @example
 * const target: RequestTarget = { method: "GET", path: "/orders", scheme: "https", host: undefined };
 */
export interface RequestTarget {
  readonly method: string;
  readonly path: string;
  /** `https` when the connection was TLS (or the Web Request's URL says so), else `http`. */
  readonly scheme: "http" | "https";
  /** The host of an absolute request URL (Web `Request`), else undefined (read the Host header). */
  readonly host: string | undefined;
}

interface RequestShape {
  method?: unknown;
  originalUrl?: unknown;
  url?: unknown;
  socket?: { encrypted?: unknown } | null;
}

/**
 * The method and URL of a framework's request object: Express (`originalUrl`, the path before
 * routers rewrote it), node:http and Fastify's raw request (`url`, a path), a Web `Request`
 * (`url`, absolute); undefined when the object carries neither (a bare header record).
 *
 * @example
 * const target = requestTarget(req); // { method: "POST", path: "/orders", scheme: "http", host: undefined }
 */
export function requestTarget(request: object | undefined): RequestTarget | undefined {
  if (request === undefined || request === null) return undefined;
  const shape = request as RequestShape;
  const raw = typeof shape.originalUrl === "string" ? shape.originalUrl : shape.url;
  if (typeof shape.method !== "string" || typeof raw !== "string" || raw === "") return undefined;
  const method = shape.method.toUpperCase();
  if (raw.startsWith("/")) {
    const end = raw.search(/[?#]/);
    const scheme = shape.socket?.encrypted === true ? "https" : "http";
    return { method, path: end === -1 ? raw : raw.slice(0, end), scheme, host: undefined };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return {
    method,
    path: url.pathname,
    scheme: url.protocol === "https:" ? "https" : "http",
    host: url.host,
  };
}
