import { LRUCache } from "lru-cache";
import type { MockAuthSettings } from "../config/settings.js";
import type { OidcStores } from "../oidc/OidcStores.js";
import { findPersona, type Persona } from "../oidc/Persona.js";
import { type CookiePolicy, cookiePolicy, serializeCookie } from "./cookies.js";
import type { LoginOptions } from "./loginOptions.js";
import type { MockAuthChange } from "./MockAuthChange.js";
import type { MockState } from "./MockState.js";
import { createRevokedTokens, type RevokedTokens } from "./RevokedTokens.js";
import { randomToken, sha256 } from "./random.js";
import type { Rotation, Successor } from "./rotateRefreshToken.js";
import type { Signer } from "./signer.js";

/** A login between `/login` and `/callback`, keyed by its state. */
export interface PendingLogin {
  origin: string | null;
  returnTo: string | null;
  options: LoginOptions;
  expiresAt: number;
}

/** A one-time app code between `/callback` and `/token-exchange`, keyed by sha256(code). */
export interface PendingCode {
  origin: string | null;
  /** When the IdP authenticated the user (epoch ms): the tokens' `auth_time`. */
  authTime: number;
  expiresAt: number;
  used: boolean;
  /** Who signed in: the persona `login_hint` picked, or null for the configured user. */
  persona: Persona | null;
}

/** A refresh token, keyed by sha256(token); rotated once exchanged (late reuse ends the session). */
export interface RefreshRecord extends Rotation {
  sid: string;
  expiresAt: number;
}

/**
 * A live login session. Logout or refresh-token reuse deletes it: a token is valid only while
 * its session is here, so a session that is unknown for any reason (revoked, evicted under a
 * flood, forgotten by reset) fails closed, and no revocation can be forgotten.
 */
export interface Session {
  expiresAt: number;
  /** When the user authenticated (epoch ms); refreshed tokens keep it. */
  authTime?: number | null;
  /** Who is signed in: a persona, or null/absent for the configured user (read live). */
  persona?: Persona | null;
}

/**
 * The persona to remember in a session: null for the configured user, whose profile `get-me`
 * reads from the current state (so run-time changes apply to live sessions).
 */
export function sessionPersona(ctx: Ctx, persona: Persona | null): Persona | null {
  return persona === null || persona.id === ctx.state.userId ? null : persona;
}

/**
 * Who a session belongs to now: its persona as currently configured (a state change applies to
 * live sessions), the persona as it was when it is no longer listed, null for the configured user.
 */
export function personaOfSession(ctx: Ctx, sid: string | null): Persona | null {
  const persona = sid === null ? null : (ctx.sessions.get(sid)?.persona ?? null);
  if (persona === null) return null;
  return sessionPersona(ctx, findPersona(ctx.state, ctx.state.personas, persona.id) ?? persona);
}

/** Everything a request handler needs: settings, run-time state, stores, signer, clock. */
export interface Ctx {
  readonly settings: MockAuthSettings;
  readonly baseUrl: URL;
  readonly cookies: CookiePolicy;
  state: MockState;
  readonly logins: Store<PendingLogin>;
  readonly codes: Store<PendingCode>;
  readonly refresh: Store<RefreshRecord>;
  readonly sessions: Store<Session>;
  /** Tokens revoked one by one, by `tokenHash`. */
  readonly revoked: RevokedTokens;
  /** The OpenID provider's codes, grants and tokens. */
  readonly oidc: OidcStores;
  readonly signer: Signer;
  now(): number;
  /** Reports sessions ended and state changes (the Redis publisher listens). */
  notify(change: MockAuthChange): void;
}

/** A capped store whose entries expire at their `expiresAt` on the mock's clock. */
export type Store<V extends { expiresAt: number }> = LRUCache<string, V>;

/** A store of at most `max` entries on the clock `now`. */
export function store<V extends { expiresAt: number }>(max: number, now: () => number): Store<V> {
  // The mock's clock (tests move it), read on every check: no cached "now" between reads.
  return new LRUCache<string, V>({ max, perf: { now }, ttlResolution: 0 });
}

/** Store `value` until its `expiresAt`. */
export function keep<V extends { expiresAt: number }>(
  into: Store<V>,
  key: string,
  value: V,
  now: number,
): void {
  // A ttl of 0 would mean "never expires": an already-due entry lives 1 ms instead.
  into.set(key, value, { ttl: Math.max(1, value.expiresAt - now) });
}

/** Create the stores with caps that bound memory under a flood of logins. */
export function createStores(
  now: () => number,
): Pick<Ctx, "logins" | "codes" | "refresh" | "sessions" | "revoked"> {
  return {
    logins: store(1000, now),
    codes: store(1000, now),
    refresh: store(10_000, now),
    sessions: store(10_000, now),
    revoked: createRevokedTokens(10_000, now),
  };
}

/** Build the cookie-policy part of the context for a base URL. */
export function policyFor(baseUrl: URL): CookiePolicy {
  return cookiePolicy(baseUrl);
}

/** Set-Cookie values for a fresh token pair, or (no tokens) clearing both cookies. */
export function tokenCookies(ctx: Ctx, tokens?: { access: string; refresh: string }): string[] {
  const policy = ctx.cookies;
  const { accessCookieName, refreshCookieName } = ctx.settings;
  return [
    serializeCookie(accessCookieName, tokens?.access ?? "", {
      maxAge: tokens ? ctx.state.expiresIn : 0,
      httpOnly: false,
      path: "/",
      policy,
    }),
    serializeCookie(refreshCookieName, tokens?.refresh ?? "", {
      maxAge: tokens ? ctx.state.refreshExpiresIn : 0,
      httpOnly: true,
      // Only the auth endpoints ever need the refresh token.
      path: "/_oxa_auth",
      policy,
    }),
  ];
}

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

/** Mint an access JWT for the configured user or a persona (claims per contracts.md). */
export async function mintAccessToken(
  ctx: Ctx,
  sid: string | null,
  expiresIn: number,
  authTime: number | null = null,
  persona: Persona | null = null,
): Promise<string> {
  const iat = Math.floor(ctx.now() / 1000);
  const claims: Record<string, unknown> = {
    ...userClaims(ctx.state, persona),
    scope: "openid profile email",
    jti: randomToken(16),
  };
  if (sid !== null) claims.sid = sid;
  if (authTime !== null) claims.auth_time = Math.floor(authTime / 1000);
  return ctx.signer.sign(claims, iat, iat + expiresIn);
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
): Promise<{ accessToken: string; refreshToken: string; sid: string }> {
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
    keep(ctx.refresh, await sha256(refreshToken), record, now);
  }
  const accessToken = await mintAccessToken(ctx, sessionId, expiresIn, authenticatedAt, who);
  return { accessToken, refreshToken, sid: sessionId };
}
