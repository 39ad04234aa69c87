import { readBoundedText } from "../../kernel/readBoundedText.js";
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
  const text = await readBoundedText(response.body, limits.maxBytes, {
    tooLarge: () => upstreamError(`The ${what} at ${url} is larger than ${limits.maxBytes} bytes.`),
    failed: (cause) => upstreamError(`Reading the ${what} from ${url} failed.`, cause),
  });
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
