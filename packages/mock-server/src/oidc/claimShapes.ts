import type { Persona } from "../config/Persona.js";

/**
 * Claim layouts of common providers, to test a backend configured for one of them.
 *
 * @example
 * const preset: ClaimPreset = "keycloak"; // realm_access.roles, azp, typ "Bearer"
 * const token = await mock.mintToken({ sub: "mock-admin", preset });
 */
export type ClaimPreset = "oidc" | "keycloak" | "auth0" | "azure" | "okta" | "supabase";

/** The claim presets, for validation and documentation. */
export const CLAIM_PRESETS: readonly ClaimPreset[] = [
  "oidc",
  "keycloak",
  "auth0",
  "azure",
  "okta",
  "supabase",
];

/** What a token is about: a persona (user token) or only a client (app-only token). */
export interface TokenSubject {
  persona: Persona | null;
  clientId: string;
  appId?: string | undefined;
  scope: string[];
  sid?: string;
  authTime?: number;
  acr?: string;
}

type Claims = Record<string, unknown>;

const TENANT = "mock-tenant-id";

function profile(p: Persona): Claims {
  const claims: Claims = {};
  if (p.email !== undefined) claims.email = p.email;
  if (p.name !== undefined) claims.name = p.name;
  if (p.userName !== undefined) claims.preferred_username = p.userName;
  return claims;
}

function session(s: TokenSubject): Claims {
  const claims: Claims = {};
  if (s.sid !== undefined) claims.sid = s.sid;
  if (s.authTime !== undefined) claims.auth_time = s.authTime;
  if (s.acr !== undefined) claims.acr = s.acr;
  return claims;
}

function scopeString(s: TokenSubject): Claims {
  return s.scope.length > 0 ? { scope: s.scope.join(" ") } : {};
}

/** Generic OIDC: `client_id` + `azp`, `scope` string, `roles`, `permissions`, binding claims. */
function oidc(s: TokenSubject): Claims {
  const p = s.persona;
  const base: Claims = { client_id: s.clientId, azp: s.clientId, ...scopeString(s) };
  if (!p) return { sub: s.clientId, ...base, ...(s.appId ? { app_id: s.appId } : {}) };
  const appId = p.appId ?? s.appId;
  return {
    sub: p.id,
    ...base,
    ...profile(p),
    roles: p.roles ?? [],
    permissions: p.permissions ?? [],
    ...(p.workspaceId !== undefined ? { workspace_id: p.workspaceId } : {}),
    ...(appId !== undefined ? { app_id: appId } : {}),
    ...session(s),
  };
}

/** Keycloak: `realm_access.roles`, `azp`, `typ: "Bearer"`, service-account user for apps. */
function keycloak(s: TokenSubject): Claims {
  const p = s.persona;
  const base: Claims = { typ: "Bearer", azp: s.clientId, ...scopeString(s) };
  if (!p) {
    return {
      sub: `service-account-${s.clientId}-id`,
      ...base,
      preferred_username: `service-account-${s.clientId}`,
      realm_access: { roles: [] },
    };
  }
  const sessionClaims = session(s);
  if (s.sid !== undefined) sessionClaims.session_state = s.sid;
  return {
    sub: p.id,
    ...base,
    ...profile(p),
    realm_access: { roles: p.roles ?? [] },
    ...sessionClaims,
  };
}

/** Auth0: RBAC `permissions`, `azp`, `gty: "client-credentials"` and `…@clients` for apps. */
function auth0(s: TokenSubject): Claims {
  const p = s.persona;
  const base: Claims = { azp: s.clientId, ...scopeString(s) };
  if (!p) {
    return {
      sub: `${s.clientId}@clients`,
      ...base,
      gty: "client-credentials",
      permissions: s.scope,
    };
  }
  return { sub: p.id, ...base, permissions: p.permissions ?? [], ...session(s) };
}

/** Azure AD v2: `oid`, `tid`, `scp` string, app `roles`, `idtyp: "app"` for apps. */
function azure(s: TokenSubject): Claims {
  const p = s.persona;
  const base: Claims = { tid: TENANT, azp: s.clientId, ver: "2.0" };
  if (!p) {
    const id = `${s.clientId}-service-principal`;
    return { sub: id, oid: id, ...base, appid: s.clientId, idtyp: "app", roles: s.scope };
  }
  const scp = s.scope.filter((x) => !["openid", "profile", "email", "offline_access"].includes(x));
  return {
    sub: p.id,
    oid: p.id,
    ...base,
    ...profile(p),
    ...(scp.length > 0 ? { scp: scp.join(" ") } : {}),
    roles: p.roles ?? [],
    ...session(s),
  };
}

/** Okta: `scp` array, `cid`; user tokens carry `uid`, app tokens have `sub` = `cid`. */
function okta(s: TokenSubject): Claims {
  const p = s.persona;
  const base: Claims = { cid: s.clientId, scp: s.scope, ver: 1 };
  if (!p) return { sub: s.clientId, ...base };
  return { sub: p.id, uid: p.id, ...base, ...profile(p), ...session(s) };
}

/** Supabase: `role: "authenticated"`, `app_metadata.roles`, `user_metadata`, `session_id`. */
function supabase(s: TokenSubject): Claims {
  const p = s.persona;
  if (!p) return { role: "service_role", ...scopeString(s) };
  return {
    sub: p.id,
    role: "authenticated",
    ...(p.email !== undefined ? { email: p.email } : {}),
    app_metadata: { provider: "email", providers: ["email"], roles: p.roles ?? [] },
    user_metadata: p.name !== undefined ? { full_name: p.name } : {},
    ...(s.sid !== undefined ? { session_id: s.sid } : {}),
    aal: "aal1",
    is_anonymous: false,
    ...scopeString(s),
  };
}

const SHAPES: Record<ClaimPreset, (s: TokenSubject) => Claims> = {
  oidc,
  keycloak,
  auth0,
  azure,
  okta,
  supabase,
};

/** The access-token claims (without iss/aud/iat/exp/jti) a provider would issue. */
export function shapeClaims(preset: ClaimPreset, subject: TokenSubject): Claims {
  const claims = SHAPES[preset](subject);
  const extra = subject.persona?.claims;
  return extra ? { ...claims, ...extra } : claims;
}

/** The audience a preset's provider puts in its tokens, if it is fixed (Supabase). */
export function presetAudience(preset: ClaimPreset): string | undefined {
  return preset === "supabase" ? "authenticated" : undefined;
}
