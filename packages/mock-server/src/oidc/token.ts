import { encode as base64url } from "jose/base64url";
import { isPublicClient, type OidcClient } from "../config/OidcClient.js";
import { checkDpopProof } from "../core/checkDpopProof.js";
import type { Ctx } from "../core/context.js";
import { sha256 } from "../core/random.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { rotateRefreshToken } from "../core/rotateRefreshToken.js";
import {
  grantLive,
  issueAccessToken,
  issueGrantTokens,
  revokeGrant,
  startGrant,
} from "./issueTokens.js";
import { parseScope } from "./mintToken.js";
import { authenticateClient, oauthError, readForm } from "./oauthRequest.js";
import { grantResource } from "./resourceIndicator.js";

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const invalidGrant = (why: string) => oauthError(400, "invalid_grant", why);
const invalidTarget = () =>
  oauthError(
    400,
    "invalid_target",
    "resource must be the one sent to the authorization endpoint (RFC 8707), or left out",
  );

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function authorizationCode(
  ctx: Ctx,
  client: OidcClient,
  p: Record<string, string>,
  jkt?: string,
): Promise<MockResponse> {
  if (p.code === undefined) return oauthError(400, "invalid_request", "send the code");
  const record = ctx.oidc.codes.get(await sha256(p.code));
  if (!record) return invalidGrant("unknown or expired code: codes work once, for 60 seconds");
  if (record.used) {
    // A code presented twice was intercepted or replayed: revoke what it issued (RFC 6749 §4.1.2).
    revokeGrant(ctx, record.grantId);
    return invalidGrant("this code was already used: the tokens it issued are revoked");
  }
  record.used = true;
  if (record.clientId !== client.clientId)
    return invalidGrant("this code was issued to another client");
  if (p.redirect_uri !== record.redirectUri)
    return invalidGrant("redirect_uri must be the one sent to the authorization endpoint");
  const verifier = p.code_verifier;
  if (record.codeChallenge !== null) {
    if (verifier === undefined || !VERIFIER.test(verifier))
      return invalidGrant("send the PKCE code_verifier (43-128 unreserved characters)");
    if ((await s256(verifier)) !== record.codeChallenge)
      return invalidGrant("code_verifier does not match the code_challenge");
  } else if (verifier !== undefined) {
    return invalidGrant("this code was requested without PKCE: drop code_verifier");
  }
  const resource = grantResource(p.resource, record.resource);
  if (resource === undefined) return invalidTarget();
  startGrant(ctx, record);
  return json(
    200,
    await issueGrantTokens(ctx, client, { ...record, resource }, record.nonce, undefined, jkt),
  );
}

async function refreshToken(
  ctx: Ctx,
  client: OidcClient,
  p: Record<string, string>,
  jkt?: string,
): Promise<MockResponse> {
  if (p.refresh_token === undefined)
    return oauthError(400, "invalid_request", "send the refresh_token");
  const record = ctx.oidc.refresh.get(await sha256(p.refresh_token));
  if (!record) return invalidGrant("unknown or expired refresh token: log in again");
  if (record.clientId !== client.clientId)
    return invalidGrant("this refresh token belongs to another client");
  if (grantResource(p.resource, record.resource) === undefined) return invalidTarget();
  if (!grantLive(ctx, record))
    return invalidGrant("this grant was revoked or logged out: log in again");
  if (record.jkt !== undefined && record.jkt !== jkt)
    return invalidGrant("this refresh token is DPoP-bound: send a proof signed by its key");
  let scope = record.scope;
  if (p.scope !== undefined) {
    try {
      scope = parseScope(p.scope);
    } catch {
      return oauthError(400, "invalid_scope", "scope must be space-separated scope tokens");
    }
    if (scope.some((s) => !record.scope.includes(s)))
      return oauthError(400, "invalid_scope", "a refresh can only narrow the granted scope");
  }
  // Rotate only once the request is known good: a refused request rotates nothing.
  const successor = rotateRefreshToken(record, ctx.now, ctx.state.refreshReuseInterval);
  if (successor === null) {
    // A rotated token came back late: someone holds a copy. End the whole grant.
    revokeGrant(ctx, record.grantId);
    return invalidGrant("refresh token reuse detected: the grant is revoked, log in again");
  }
  const { jkt: _bound, ...grant } = record;
  return json(
    200,
    await issueGrantTokens(ctx, client, { ...grant, scope }, null, successor, record.jkt ?? jkt),
  );
}

async function clientCredentials(
  ctx: Ctx,
  client: OidcClient,
  p: Record<string, string>,
  jkt?: string,
): Promise<MockResponse> {
  if (isPublicClient(client))
    return oauthError(400, "unauthorized_client", "client_credentials needs a confidential client");
  let scope: string[] = [];
  if (p.scope !== undefined) {
    try {
      scope = parseScope(p.scope);
    } catch {
      return oauthError(400, "invalid_scope", "scope must be space-separated scope tokens");
    }
  }
  if (scope.includes("openid"))
    return oauthError(400, "invalid_scope", "client_credentials tokens have no user: drop openid");
  return json(200, {
    access_token: await issueAccessToken(ctx, client, scope, null, jkt),
    token_type: jkt === undefined ? "Bearer" : "DPoP",
    expires_in: ctx.state.expiresIn,
    scope: scope.join(" "),
  });
}

const GRANTS: Record<string, typeof authorizationCode> = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
};

/** `POST /oidc/token` (form body): authorization_code + PKCE, refresh_token, client_credentials. */
export async function handleToken(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const parsed = await readForm(request);
  if ("response" in parsed) return parsed.response;
  const p = parsed.params;
  const grantType = p.grant_type;
  if (grantType === undefined) return oauthError(400, "invalid_request", "send grant_type");
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant)
    return oauthError(
      400,
      "unsupported_grant_type",
      "use authorization_code, refresh_token or client_credentials",
    );
  const auth = await authenticateClient(ctx, request, p);
  if ("response" in auth) return auth.response;
  const registered = auth.client.grantTypes;
  if (registered !== undefined && !registered.includes(grantType))
    return oauthError(400, "unauthorized_client", `this client did not register ${grantType}`);
  // A DPoP proof (RFC 9449 §5) binds the tokens issued now to its key.
  const proof = await checkDpopProof(ctx, request, { at: "token" });
  if (proof !== undefined && "response" in proof) return proof.response;
  return grant(ctx, auth.client, p, proof?.jkt);
}
