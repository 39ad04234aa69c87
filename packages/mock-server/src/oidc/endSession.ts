import { escapeHtml } from "../core/callbackPage.js";
import type { Ctx } from "../core/context.js";
import { html, type MockResponse, type RequestLike, redirect } from "../core/responses.js";
import { revokeSession } from "../core/revokeSession.js";
import { findClient, redirectAllowed } from "./OidcClient.js";
import { oauthError, parseParams, readForm } from "./oauthRequest.js";

/** The claims of an ID token this provider signed; an expired one still names its session. */
async function idTokenClaims(ctx: Ctx, token: string) {
  const [, body] = token.split(".");
  let iat: unknown;
  try {
    iat = JSON.parse(atob((body ?? "").replace(/-/g, "+").replace(/_/g, "/"))).iat;
  } catch {
    return undefined;
  }
  if (typeof iat !== "number") return undefined;
  return ctx.signer.verify(token, iat * 1000, { audience: null });
}

/**
 * `GET|POST /oidc/logout` (RP-initiated logout 1.0): end the session named by `id_token_hint`,
 * then go back to a registered `post_logout_redirect_uri` (with `state`) or show a page.
 */
export async function handleEndSession(
  ctx: Ctx,
  request: RequestLike,
  url: URL,
): Promise<MockResponse> {
  const parsed =
    request.method === "POST" ? await readForm(request) : parseParams(url.searchParams);
  if ("response" in parsed) return parsed.response;
  const p = parsed.params;
  let clientId = p.client_id;
  if (p.id_token_hint !== undefined) {
    const claims = await idTokenClaims(ctx, p.id_token_hint);
    if (!claims)
      return oauthError(
        400,
        "invalid_request",
        "id_token_hint is not an ID token of this provider",
      );
    if (clientId !== undefined && claims.aud !== clientId)
      return oauthError(400, "invalid_request", "client_id differs from the ID token's audience");
    clientId = typeof claims.aud === "string" ? claims.aud : undefined;
    const sid = typeof claims.sid === "string" ? claims.sid : undefined;
    if (sid !== undefined) revokeSession(ctx, sid);
  }
  const target = p.post_logout_redirect_uri;
  if (target !== undefined) {
    const client = clientId === undefined ? undefined : findClient(ctx.state.clients, clientId);
    if (!client || !redirectAllowed(client, target, client.postLogoutRedirectUris))
      return oauthError(
        400,
        "invalid_request",
        "post_logout_redirect_uri is not registered for this client (send id_token_hint or client_id)",
      );
    const back = new URL(target);
    if (p.state !== undefined) back.searchParams.set("state", p.state);
    return redirect(back.href);
  }
  const who = clientId === undefined ? "" : ` of ${escapeHtml(clientId)}`;
  return html(
    200,
    `<!doctype html><meta charset="utf-8"><title>Logged out</title><p>You are logged out${who}.</p>`,
    "default-src 'none'",
  );
}
