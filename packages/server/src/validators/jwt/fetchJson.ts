import { AuthError } from "../../kernel/errors.js";
import { upstreamError } from "./jwtErrors.js";

/** Limits for one metadata request to the identity provider. */
export interface FetchJsonLimits {
  timeoutMs: number;
  maxBytes: number;
}

/**
 * GETs a JSON object from the identity provider with a timeout and a size cap. Redirects are not
 * followed (the configured URL must be the real one). Every failure is an upstream error (502).
 */
export async function fetchJson(
  url: string,
  what: string,
  limits: FetchJsonLimits,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
  } catch (cause) {
    throw upstreamError(
      `Could not fetch the ${what} from ${url}; is the identity provider up?`,
      cause,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw upstreamError(`The ${what} at ${url} answered HTTP ${response.status} (expected 200).`);
  }
  const text = await readBounded(response, limits.maxBytes, url, what);
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

async function readBounded(
  response: Response,
  maxBytes: number,
  url: string,
  what: string,
): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw upstreamError(`The ${what} at ${url} is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof AuthError) throw cause;
    throw upstreamError(`Reading the ${what} from ${url} failed.`, cause);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
