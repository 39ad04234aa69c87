import type { OidcClient } from "../config/OidcClient.js";
import { type Ctx, sessionPersona } from "../core/context.js";
import { mintAccessToken } from "../core/mintAccessToken.js";
import type { GrantSubject } from "../core/OidcStores.js";
import { randomToken, sha256 } from "../core/random.js";
import { revokeSession } from "../core/revokeSession.js";
import type { Successor } from "../core/rotateRefreshToken.js";
import { keep } from "../core/Store.js";
import { shapeClaims } from "./claimShapes.js";

/** The token response body (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

/** An access token (RFC 9068 `at+jwt`, ES256) for a user grant or, with no grant, the client. */
export function issueAccessToken(
  ctx: Ctx,
  client: OidcClient,
  scope: string[],
  grant: GrantSubject | null,
  jkt?: string,
): Promise<string> {
  const claims = shapeClaims("oidc", {
    persona: grant?.persona ?? null,
    clientId: client.clientId,
    appId: client.appId,
    scope,
    ...(grant ? { sid: grant.sid, authTime: grant.authTime } : {}),
    ...(grant?.acr === undefined ? {} : { acr: grant.acr }),
  });
  return mintAccessToken(ctx, {
    // A DPoP-bound token names its key's thumbprint (RFC 9449 §6.1).
    claims: { ...claims, ...client.claims, ...(jkt === undefined ? {} : { cnf: { jkt } }) },
    expiresIn: ctx.state.expiresIn,
    // A resource indicator (RFC 8707) makes the token that resource's, and only its.
    sign: {
      typ: "at+jwt",
      audience: grant?.resource ?? client.audience ?? ctx.settings.audience,
    },
  });
}

/** The ID token: RS256 (the OIDC default), `aud` = the client, claims by scope. */
async function issueIdToken(ctx: Ctx, grant: GrantSubject, nonce: string | null): Promise<string> {
  const iat = Math.floor(ctx.now() / 1000);
  const p = grant.persona;
  const claims: Record<string, unknown> = {
    sub: p.id,
    azp: grant.clientId,
    auth_time: grant.authTime,
    sid: grant.sid,
  };
  if (grant.acr !== undefined) claims.acr = grant.acr;
  if (nonce !== null) claims.nonce = nonce;
  if (grant.scope.includes("profile")) {
    if (p.name !== undefined) claims.name = p.name;
    if (p.userName !== undefined) claims.preferred_username = p.userName;
  }
  if (grant.scope.includes("email") && p.email !== undefined) {
    claims.email = p.email;
    claims.email_verified = true;
  }
  return ctx.signer.sign(claims, iat, iat + ctx.state.expiresIn, {
    alg: "RS256",
    audience: grant.clientId,
  });
}

/**
 * Access + refresh (+ ID token for `openid`) for a user grant; the refresh token is `successor`
 * (default: a new one).
 */
export async function issueGrantTokens(
  ctx: Ctx,
  client: OidcClient,
  grant: GrantSubject,
  nonce: string | null,
  successor: Successor = { refreshToken: randomToken(), isNew: true },
  jkt?: string,
): Promise<TokenResponse> {
  const now = ctx.now();
  const { refreshToken } = successor;
  if (successor.isNew && refreshes(client)) {
    const record = { ...grant, expiresAt: now + ctx.state.refreshExpiresIn * 1000, rotated: null };
    // A public client's refresh token is bound to its DPoP key (RFC 9449 §5).
    const bound = jkt !== undefined && client.clientSecret === null ? { jkt } : {};
    keep(ctx.oidc.refresh, await sha256(refreshToken), { ...record, ...bound }, now);
  }
  const body: TokenResponse = {
    access_token: await issueAccessToken(ctx, client, grant.scope, grant, jkt),
    token_type: jkt === undefined ? "Bearer" : "DPoP",
    expires_in: ctx.state.expiresIn,
    scope: grant.scope.join(" "),
  };
  if (refreshes(client)) body.refresh_token = refreshToken;
  if (grant.scope.includes("openid")) body.id_token = await issueIdToken(ctx, grant, nonce);
  return body;
}

/** Whether the client may hold refresh tokens: every configured one, registered ones that asked. */
export function refreshes(client: OidcClient): boolean {
  return client.grantTypes === undefined || client.grantTypes.includes("refresh_token");
}

/**
 * Start the grant of a redeemed code, and its login session: only now, so authorization
 * requests nobody redeems (any web page can send them) never take room from live sessions.
 */
export function startGrant(ctx: Ctx, grant: GrantSubject): void {
  const now = ctx.now();
  const lifetime = Math.max(ctx.state.expiresIn, ctx.state.refreshExpiresIn) * 1000 + 60_000;
  const session = {
    expiresAt: now + lifetime,
    authTime: grant.authTime * 1000,
    acr: grant.acr ?? null,
    persona: sessionPersona(ctx, grant.persona),
  };
  keep(ctx.sessions, grant.sid, session, now);
  keep(
    ctx.oidc.grants,
    grant.grantId,
    { sid: grant.sid, revoked: false, expiresAt: now + lifetime },
    now,
  );
}

/** End a grant (code replay, refresh-token reuse, RFC 7009): its tokens and its session. */
export function revokeGrant(ctx: Ctx, grantId: string): void {
  const grant = ctx.oidc.grants.get(grantId);
  if (!grant) return;
  grant.revoked = true;
  revokeSession(ctx, grant.sid);
}

/** A grant is live when neither it nor its login session was revoked (logout). */
export function grantLive(ctx: Ctx, grant: Pick<GrantSubject, "grantId" | "sid">): boolean {
  const record = ctx.oidc.grants.get(grant.grantId);
  return record !== undefined && !record.revoked && ctx.sessions.has(grant.sid);
}
