import type { Persona } from "../config/Persona.js";
import { type Ctx, personaOfSession, sessionPersona } from "../core/context.js";
import type { MockState } from "../core/MockState.js";
import { mintAccessToken } from "../core/mintAccessToken.js";
import { randomToken, sha256 } from "../core/random.js";
import type { Successor } from "../core/rotateRefreshToken.js";
import { keep } from "../core/Store.js";

/** The user claims of an access token: the persona's, or the configured user's. */
function userClaims(s: MockState, p: Persona | null): Record<string, unknown> {
  if (p === null) {
    return {
      sub: s.userId,
      email: s.email,
      name: `${s.firstName} ${s.lastName}`,
      preferred_username: s.userName,
      roles: s.roleNames,
      permissions: s.permissions,
    };
  }
  return {
    sub: p.id,
    ...(p.email === undefined ? {} : { email: p.email }),
    name: p.name ?? p.userName ?? p.id,
    preferred_username: p.userName ?? p.id,
    roles: p.roles ?? [],
    permissions: p.permissions ?? [],
  };
}

/** An access JWT of the proxy API for the configured user or a persona (claims per contracts.md). */
export function proxyAccessToken(
  ctx: Ctx,
  sid: string | null,
  expiresIn: number,
  authTime: number | null = null,
  persona: Persona | null = null,
  jkt?: string,
): Promise<string> {
  const claims: Record<string, unknown> = {
    ...userClaims(ctx.state, persona),
    scope: "openid profile email",
  };
  // A DPoP-bound token names its key's thumbprint (RFC 9449 §6.1).
  if (jkt !== undefined) claims.cnf = { jkt };
  if (sid !== null) claims.sid = sid;
  if (authTime !== null) claims.auth_time = Math.floor(authTime / 1000);
  return mintAccessToken(ctx, { claims, expiresIn, sign: {} });
}

/**
 * Issue access + refresh tokens for a session: a new one when `sid` is null (authenticated at
 * `authTime`, null for the static dev refresh token, signed in as `persona`), else the existing
 * one (keeps its time and persona), whose refresh token rotates to `successor`.
 */
export async function issueTokens(
  ctx: Ctx,
  sid: string | null,
  authTime: number | null = null,
  persona: Persona | null = null,
  successor: Successor = { refreshToken: randomToken(), isNew: true },
  jkt?: string,
): Promise<{ accessToken: string; refreshToken: string; sid: string; jkt?: string }> {
  const now = ctx.now();
  const existing = sid === null ? undefined : ctx.sessions.get(sid);
  const authenticatedAt = sid === null ? authTime : (existing?.authTime ?? null);
  const who = sid === null ? sessionPersona(ctx, persona) : personaOfSession(ctx, sid);
  const { expiresIn, refreshExpiresIn } = ctx.state;
  const sessionId = sid ?? randomToken(16);
  // Outlive every token of the session: a token must not outlast the session that vouches for it.
  const sessionExpiresAt = now + Math.max(expiresIn, refreshExpiresIn) * 1000 + 60_000;
  const session = { expiresAt: sessionExpiresAt, authTime: authenticatedAt, persona: who };
  keep(ctx.sessions, sessionId, session, now);
  const { refreshToken } = successor;
  if (successor.isNew) {
    const record = { sid: sessionId, expiresAt: now + refreshExpiresIn * 1000, rotated: null };
    // A browser is a public client: its refresh token is bound to its DPoP key too.
    keep(ctx.refresh, await sha256(refreshToken), { ...record, ...(jkt ? { jkt } : {}) }, now);
  }
  const accessToken = await proxyAccessToken(ctx, sessionId, expiresIn, authenticatedAt, who, jkt);
  return { accessToken, refreshToken, sid: sessionId, ...(jkt ? { jkt } : {}) };
}
