import type { Ctx } from "../core/context.js";
import { sha256 } from "../core/random.js";
import { type MockResponse, noContent, type RequestLike } from "../core/responses.js";
import { revokeToken } from "../core/revokeToken.js";
import { revokeGrant } from "./issueTokens.js";
import { authenticateClient, oauthError, readForm } from "./oauthRequest.js";
import { verifyAccessToken } from "./verifyAccessToken.js";

function ok(): MockResponse {
  const response = noContent();
  response.status = 200;
  return response;
}

/**
 * `POST /oidc/revoke` (RFC 7009): a refresh token ends its whole grant and its session, an
 * access token itself (in every spelling). Unknown or invalid tokens answer 200 too (nothing to
 * revoke, nothing disclosed).
 */
export async function handleRevocation(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const parsed = await readForm(request);
  if ("response" in parsed) return parsed.response;
  const p = parsed.params;
  const auth = await authenticateClient(ctx, request, p);
  if ("response" in auth) return auth.response;
  if (p.token === undefined) return oauthError(400, "invalid_request", "send the token to revoke");
  const clientId = auth.client.clientId;
  const refresh = ctx.oidc.refresh.get(await sha256(p.token));
  if (refresh) {
    if (refresh.clientId !== clientId)
      return oauthError(400, "unauthorized_client", "this token was issued to another client");
    revokeGrant(ctx, refresh.grantId);
    return ok();
  }
  const issued = await verifyAccessToken(ctx, p.token);
  if (!issued) return ok();
  if ((issued.payload.client_id ?? issued.payload.azp) !== clientId)
    return oauthError(400, "unauthorized_client", "this token was issued to another client");
  revokeToken(ctx, issued);
  return ok();
}
