import type { Ctx } from "../core/context.js";
import { sha256 } from "../core/random.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { grantLive } from "./issueTokens.js";
import { authenticateClient, oauthError, readForm } from "./oauthRequest.js";
import { verifyAccessToken } from "./verifyAccessToken.js";

/** `POST /oidc/introspect` (RFC 7662): confidential clients ask whether a token is active. */
export async function handleIntrospection(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const parsed = await readForm(request);
  if ("response" in parsed) return parsed.response;
  const p = parsed.params;
  const auth = await authenticateClient(ctx, request, p, false);
  if ("response" in auth) return auth.response;
  if (p.token === undefined)
    return oauthError(400, "invalid_request", "send the token to introspect");
  const refresh = ctx.oidc.refresh.get(await sha256(p.token));
  if (refresh) {
    if (refresh.rotated !== null || !grantLive(ctx, refresh)) return json(200, { active: false });
    return json(200, {
      active: true,
      token_type: "refresh_token",
      client_id: refresh.clientId,
      sub: refresh.persona.id,
      scope: refresh.scope.join(" "),
      exp: Math.floor(refresh.expiresAt / 1000),
      iss: ctx.settings.baseUrl,
    });
  }
  const payload = (await verifyAccessToken(ctx, p.token))?.payload;
  if (!payload) return json(200, { active: false });
  const clientId = payload.client_id ?? payload.azp;
  return json(200, {
    ...payload,
    active: true,
    // RFC 9449 §6.2: a bound token's answer names its scheme (cnf is in the payload).
    token_type: payload.cnf === undefined ? "Bearer" : "DPoP",
    ...(clientId !== undefined ? { client_id: clientId } : {}),
    ...(typeof payload.preferred_username === "string"
      ? { username: payload.preferred_username }
      : {}),
  });
}
