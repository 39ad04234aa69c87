import { upstreamError } from "../../kernel/errors.js";
import {
  type HttpTransport,
  TooLarge,
  type TransportResponse,
} from "../../kernel/HttpTransport.js";
import {
  NO_TELEMETRY,
  type Telemetry,
  type UpstreamCall,
  type UpstreamOperation,
} from "../../kernel/Telemetry.js";

/** How one metadata request to the identity provider is sent, and its limits. */
export interface FetchJsonOptions {
  /** The runtime's plain transport (`node:http` on Node, `fetch` elsewhere). */
  transport: HttpTransport;
  timeoutMs: number;
  maxBytes: number;
  /** Where the call is reported (set when the validator joins an `Auth` instance). */
  telemetry?: Telemetry;
}

/**
 * GETs a JSON object from the identity provider with a timeout and a size cap. Redirects are not
 * followed (the configured URL must be the real one). Every failure is an upstream error (502).
 * The call is reported as `operation` (a span, its duration and outcome).
 */
export function fetchJson(
  url: string,
  what: string,
  options: FetchJsonOptions,
  operation: UpstreamOperation = "jwks",
): Promise<Record<string, unknown>> {
  return (options.telemetry ?? NO_TELEMETRY).upstream(operation, { method: "GET", url }, (call) =>
    fetchOnce(url, what, options, call),
  );
}

async function fetchOnce(
  url: string,
  what: string,
  options: FetchJsonOptions,
  report: UpstreamCall,
): Promise<Record<string, unknown>> {
  let response: TransportResponse;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    response = await options.transport.send("GET", url, { accept: "application/json" }, signal);
  } catch (cause) {
    if (signal.aborted) report.timedOut();
    throw upstreamError(
      `Could not fetch the ${what} from ${url}; is the identity provider up?`,
      cause,
    );
  }
  report.status(response.status);
  if (response.status !== 200) {
    await response.discard().catch(() => undefined);
    throw upstreamError(`The ${what} at ${url} answered HTTP ${response.status} (expected 200).`);
  }
  let text: string;
  try {
    text = await response.text(options.maxBytes);
  } catch (cause) {
    if (cause instanceof TooLarge) {
      throw upstreamError(`The ${what} at ${url} is larger than ${options.maxBytes} bytes.`);
    }
    throw upstreamError(`Reading the ${what} from ${url} failed.`, cause);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw upstreamError(`The ${what} at ${url} is not valid JSON.`, cause);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw upstreamError(`The ${what} at ${url} is not a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}
