import { AuthError } from "../../kernel/errors.js";
import { type HttpTransport, TooLarge } from "../../kernel/HttpTransport.js";
import { upstreamIntrospection } from "./postIntrospection.js";

const MAX_DOCUMENT_BYTES = 512 * 1024;

/**
 * Reads `{issuer}/.well-known/openid-configuration` and returns its `introspection_endpoint`
 * (RFC 8414 §2). The document's `issuer` must equal the configured issuer exactly, and an https
 * issuer may not send tokens and client credentials to a plain-http endpoint. Every failure is a
 * 502 naming what to set instead (`AUTH_INTROSPECTION_URL`).
 *
 * @example
 * const url = await discoverIntrospectionUrl("https://id.example.com/", { transport, timeoutMs: 5000 });
 */
export async function discoverIntrospectionUrl(
  issuer: string,
  options: { transport: HttpTransport; timeoutMs: number; retryAfterSeconds: number },
): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const fail = (detail: string, cause?: unknown, retry = false) =>
    upstreamIntrospection(
      url,
      `discovery: ${detail}; or set AUTH_INTROSPECTION_URL`,
      retry ? { cause, retryAfterSeconds: options.retryAfterSeconds } : { cause },
    );
  let text: string;
  try {
    const response = await options.transport.send(
      "GET",
      url,
      { accept: "application/json" },
      AbortSignal.timeout(options.timeoutMs),
    );
    if (response.status !== 200) {
      await response.discard().catch(() => undefined);
      throw fail(`HTTP ${response.status}`, undefined, response.status >= 500);
    }
    text = await response.text(MAX_DOCUMENT_BYTES);
  } catch (error) {
    if (error instanceof TooLarge) throw fail(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
    if (error instanceof AuthError) throw error;
    throw fail("the authorization server is unreachable", error, true);
  }
  return endpointOf(text, issuer, fail);
}

function endpointOf(text: string, issuer: string, fail: (detail: string) => Error): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw fail("the document is not JSON");
  }
  const { issuer: named, introspection_endpoint: endpoint } = (doc ?? {}) as Record<
    string,
    unknown
  >;
  if (named !== issuer) {
    throw fail(
      `the document names ${typeof named === "string" ? JSON.stringify(named) : "no issuer"}, not the configured issuer (AUTH_ISSUER must match it exactly)`,
    );
  }
  if (typeof endpoint !== "string" || !/^https?:\/\//i.test(endpoint) || !URL.canParse(endpoint)) {
    throw fail("the document has no introspection_endpoint");
  }
  if (issuer.startsWith("https:") && !endpoint.startsWith("https:")) {
    throw fail("the introspection_endpoint is plain http although the issuer is https");
  }
  return endpoint;
}
