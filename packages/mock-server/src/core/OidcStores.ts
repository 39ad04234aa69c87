import type { OidcClient } from "../config/OidcClient.js";
import type { Persona } from "../config/Persona.js";
import type { Rotation } from "./rotateRefreshToken.js";
import { type Store, store } from "./Store.js";

/** Who a grant is for: a persona (user tokens) or nobody (client credentials). */
export interface GrantSubject {
  clientId: string;
  persona: Persona;
  scope: string[];
  sid: string;
  authTime: number;
  /** The authentication level the login reached (`acr`); absent for tokens minted directly. */
  acr?: string;
  grantId: string;
  /** The resource (RFC 8707) its access tokens are for: their `aud`; null: the client's audience. */
  resource?: string | null;
}

/**
 * An authorization code, keyed by sha256(code): single use, 60 s. Its session and grant start
 * when it is redeemed (`startGrant`), so unredeemed codes only ever fill their own store.
 */
export interface CodeRecord extends GrantSubject {
  redirectUri: string;
  codeChallenge: string | null;
  nonce: string | null;
  expiresAt: number;
  used: boolean;
}

/** A refresh token, keyed by sha256(token); rotated once exchanged (late reuse ends the grant). */
export interface RefreshRecord extends GrantSubject, Rotation {
  expiresAt: number;
  /** A public client's DPoP key (RFC 9449 §5): its refreshes need a proof by this key. */
  jkt?: string;
}

/** A parked authorization request waiting for the interactive login page's answer. */
export interface Interaction {
  params: Record<string, string>;
  expiresAt: number;
}

/** A redeemed authorization code's grant: its refresh tokens live while it does, with its session. */
export interface GrantRecord {
  sid: string;
  revoked: boolean;
  expiresAt: number;
}

/** A client registered at run time (RFC 7591) or read from its metadata document, until it expires. */
export interface DynamicClient {
  client: OidcClient;
  expiresAt: number;
}

/** Everything the OpenID provider remembers between requests (bounded, expiring). */
export interface OidcStores {
  codes: Store<CodeRecord>;
  refresh: Store<RefreshRecord>;
  grants: Store<GrantRecord>;
  interactions: Store<Interaction>;
  /** `jti`s of client assertions seen (private_key_jwt), until their `exp`: single use. */
  assertions: Store<{ expiresAt: number }>;
  /** Dynamically registered clients (by client id) and fetched metadata documents (by URL). */
  clients: Store<DynamicClient>;
  clear(): void;
}

/** Fresh, empty stores on the mock's clock, with caps that bound memory under a flood. */
export function createOidcStores(now: () => number): OidcStores {
  const stores = {
    codes: store<CodeRecord>(1000, now),
    refresh: store<RefreshRecord>(10_000, now),
    grants: store<GrantRecord>(10_000, now),
    interactions: store<Interaction>(1000, now),
    assertions: store<{ expiresAt: number }>(10_000, now),
    clients: store<DynamicClient>(1000, now),
  };
  return {
    ...stores,
    clear() {
      for (const s of Object.values(stores)) s.clear();
    },
  };
}
