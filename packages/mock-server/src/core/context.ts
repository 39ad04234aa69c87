import { findPersona, type Persona } from "../config/Persona.js";
import type { MockAuthSettings } from "../config/settings.js";
import { type CookiePolicy, cookiePolicy } from "./cookies.js";
import type { LoginOptions } from "./loginOptions.js";
import type { MockAuthChange } from "./MockAuthChange.js";
import type { MockState } from "./MockState.js";
import type { OidcStores } from "./OidcStores.js";
import { createRevokedTokens, type RevokedTokens } from "./RevokedTokens.js";
import type { Rotation } from "./rotateRefreshToken.js";
import { type Store, store } from "./Store.js";
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
  /** The DPoP key the session's tokens are bound to: a refresh needs a proof by it. */
  jkt?: string;
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
