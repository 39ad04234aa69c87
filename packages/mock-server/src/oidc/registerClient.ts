import type { Ctx } from "../core/context.js";
import { randomToken } from "../core/random.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { keep } from "../core/Store.js";
import { parseClientMetadata } from "./clientMetadata.js";
import { oauthError } from "./oauthRequest.js";

const MAX_BODY = 16 * 1024;
/** Registered clients are forgotten after a day (and the oldest first beyond 1,000). */
const CLIENT_TTL_MS = 24 * 3600_000;

/**
 * `POST /oidc/register` (RFC 7591): open Dynamic Client Registration of public clients, as MCP
 * clients use it. Answers 201 with the client id and the metadata as registered, or 400
 * `invalid_client_metadata` / `invalid_redirect_uri`.
 */
export async function handleRegistration(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? ""))
    return oauthError(400, "invalid_client_metadata", "send Content-Type: application/json");
  const text = await request.text();
  if (text.length > MAX_BODY)
    return oauthError(413, "invalid_client_metadata", "body larger than 16 KiB");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return oauthError(400, "invalid_client_metadata", "the body is not valid JSON");
  }
  const clientId = `dcr-${randomToken(16)}`;
  const parsed = parseClientMetadata(body, clientId);
  if ("error" in parsed) return oauthError(400, parsed.error, parsed.description);
  const now = ctx.now();
  keep(ctx.oidc.clients, clientId, { client: parsed.client, expiresAt: now + CLIENT_TTL_MS }, now);
  return json(201, {
    client_id: clientId,
    client_id_issued_at: Math.floor(now / 1000),
    ...parsed.metadata,
  });
}
