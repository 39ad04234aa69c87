import { AuthError, UpstreamError } from "../../kernel/errors.js";
import { type HttpTransport, TooLarge } from "../../kernel/HttpTransport.js";
import type { ClientAuthParts } from "./createClientAuthentication.js";
import { formEncode } from "./createClientAuthentication.js";
import { MalformedAnswer } from "./parseIntrospectionAnswer.js";

/** One introspection request's transport, deadline and size bound. */
export interface IntrospectionCall {
  transport: HttpTransport;
  timeoutMs: number;
  maxResponseBytes: number;
  /** The `Retry-After` seconds of an outage's 502. */
  retryAfterSeconds: number;
}

/**
 * POSTs `token` (hint `access_token`) with the client's authentication to the introspection
 * endpoint (RFC 7662 §2.1) and returns the 200 answer's body. The endpoint unreachable, slower
 * than the deadline, 5xx or 429 is an outage (502 with `Retry-After`); a 401/403 means this
 * API's own credentials were refused, any other status or type is a misconfiguration (502):
 * none of them is ever the caller's fault, nor a pass. The token is in the body only, never in a
 * URL or a message.
 *
 * @example
 * const body = await postIntrospection(url, token, await authenticate(url), call);
 */
export async function postIntrospection(
  url: string,
  token: string,
  auth: ClientAuthParts,
  call: IntrospectionCall,
): Promise<string> {
  const params = { token, token_type_hint: "access_token", ...auth.params };
  const body = Object.entries(params)
    .map(([name, value]) => `${name}=${formEncode(value)}`)
    .join("&");
  const headers = {
    ...auth.headers,
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  const outage = (detail: string, cause?: unknown) =>
    upstreamIntrospection(url, `${detail}; check that the authorization server is up`, {
      cause,
      retryAfterSeconds: call.retryAfterSeconds,
    });
  await call.transport.ready().catch((error: unknown) => {
    throw outage("the HTTP client could not load", error);
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  try {
    const response = await call.transport.send("POST", url, headers, controller.signal, body);
    const { status } = response;
    if (status !== 200) {
      await response.discard().catch(() => undefined);
      if (status >= 500 || status === 429) throw outage(`HTTP ${status}`);
      if (status === 401 || status === 403) {
        throw upstreamIntrospection(
          url,
          `HTTP ${status}: the authorization server refused this API's client credentials; check AUTH_CLIENT_ID, AUTH_CLIENT_SECRET / AUTH_CLIENT_PRIVATE_KEY and AUTH_INTROSPECTION_AUTH_METHOD`,
        );
      }
      throw upstreamIntrospection(
        url,
        `HTTP ${status} (expected 200); check AUTH_INTROSPECTION_URL`,
      );
    }
    if (!isJsonType(response.contentType)) {
      await response.discard().catch(() => undefined);
      throw new MalformedAnswer(`the answer is ${response.contentType ?? "untyped"}, not JSON`);
    }
    return await response.text(call.maxResponseBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      throw new MalformedAnswer(`the body exceeds ${call.maxResponseBytes} bytes`);
    }
    if (error instanceof MalformedAnswer || error instanceof AuthError) throw error;
    throw outage(
      controller.signal.aborted
        ? `no answer within ${call.timeoutMs} ms`
        : (errorCode(error) ?? "request failed"),
      error,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A 502 about the introspection endpoint: names the URL and the cause, never the token.
 *
 * @example
 * throw upstreamIntrospection(url, "`active` is not a boolean");
 */
export function upstreamIntrospection(
  url: string,
  detail: string,
  options: { cause?: unknown; retryAfterSeconds?: number } = {},
): UpstreamError {
  return new UpstreamError(`Token introspection at ${url} failed: ${detail}.`, options);
}

/** `application/json` or a `+json` type, parameters (charset) ignored. */
function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** The system error code (ECONNREFUSED…): undici puts it on the error, `fetch` on its cause. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}
