import { resourceDpop, schemeToken } from "../core/checkDpopProof.js";
import type { Ctx } from "../core/context.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { oauthError } from "./oauthRequest.js";
import { verifyAccessToken } from "./verifyAccessToken.js";

const PROFILE = ["name", "preferred_username"];

/** `GET|POST /oidc/userinfo` (OIDC Core §5.3): the user's claims allowed by the token's scope. */
export async function handleUserinfo(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const sent = schemeToken(request.headers.get("authorization"));
  const token = sent?.token;
  if (sent === undefined || token === undefined) {
    return oauthError(401, "invalid_request", "send Authorization: Bearer <access token>", {
      "www-authenticate": 'Bearer realm="auth-mock-server"',
    });
  }
  const payload = (await verifyAccessToken(ctx, token))?.payload;
  if (!payload) {
    return oauthError(401, "invalid_token", "the access token is invalid, expired or revoked", {
      "www-authenticate": 'Bearer realm="auth-mock-server", error="invalid_token"',
    });
  }
  // A DPoP-bound token needs its proof, never as Bearer (RFC 9449 §7).
  const refused = await resourceDpop(ctx, request, sent, payload);
  if (refused) return refused;
  const scope = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
  if (!scope.includes("openid") || payload.sub === payload.client_id) {
    return oauthError(
      403,
      "insufficient_scope",
      "userinfo needs a user's token with scope openid",
      {
        "www-authenticate":
          'Bearer realm="auth-mock-server", error="insufficient_scope", scope="openid"',
      },
    );
  }
  const body: Record<string, unknown> = { sub: payload.sub };
  if (scope.includes("profile"))
    for (const k of PROFILE) if (payload[k] !== undefined) body[k] = payload[k];
  if (scope.includes("email") && payload.email !== undefined) {
    body.email = payload.email;
    body.email_verified = true;
  }
  return json(200, body);
}
