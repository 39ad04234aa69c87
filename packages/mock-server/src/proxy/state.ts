import type { Ctx } from "../core/context.js";
import { parseStatePatch } from "../core/MockState.js";
import { json, jsonError, type MockResponse, type RequestLike } from "../core/responses.js";
import { MockAuthError } from "../MockAuthError.js";

const MAX_BODY = 64 * 1024;

/**
 * `/_oxa_auth/mock/state`: GET reads the run-time state, PUT/PATCH merge the given fields,
 * DELETE restores the start-up state (via `reset`, which also forgets logins and sessions).
 */
export async function handleState(
  ctx: Ctx,
  request: RequestLike,
  reset: () => void,
): Promise<MockResponse> {
  if (request.method === "GET") return json(200, ctx.state);
  if (request.method === "DELETE") {
    reset();
    return json(200, ctx.state);
  }
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return jsonError(
      415,
      "invalid_request",
      'send Content-Type: application/json, e.g. {"permissions":["read","audit"]}',
    );
  }
  const text = await request.text();
  if (text.length > MAX_BODY)
    return jsonError(413, "invalid_request", "state patch larger than 64 KiB");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, "invalid_request", "the body is not valid JSON");
  }
  try {
    ctx.state = { ...ctx.state, ...parseStatePatch(body) };
    ctx.notify({ type: "invalidate" });
  } catch (error) {
    if (error instanceof MockAuthError) return jsonError(400, "invalid_state", error.message);
    throw error;
  }
  return json(200, ctx.state);
}
