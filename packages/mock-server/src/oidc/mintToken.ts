import { encode as base64url } from "jose/base64url";
import { findClient, parseClaims } from "../config/OidcClient.js";
import { findPersona, type Persona } from "../config/Persona.js";
import { hasControlChar } from "../config/parse.js";
import { type Ctx, sessionPersona } from "../core/context.js";
import { mintAccessToken } from "../core/mintAccessToken.js";
import { randomToken } from "../core/random.js";
import { keep } from "../core/Store.js";
import type { SigningAlg } from "../core/signer.js";
import { MockAuthError } from "../MockAuthError.js";
import { CLAIM_PRESETS, type ClaimPreset, presetAudience, shapeClaims } from "./claimShapes.js";

/**
 * Deliberately broken tokens, each one a reason a backend must answer 401.
 *
 * @example
 * const kind: BadTokenKind = "expired";
 * const token = await mock.mintToken({ bad: kind }); // exp 10 minutes ago
 */
export type BadTokenKind =
  | "expired"
  | "not-yet-valid"
  | "wrong-audience"
  | "wrong-issuer"
  | "bad-signature"
  | "unknown-kid"
  | "alg-none";

/**
 * Every kind of deliberately bad token `mintToken` makes; a backend must refuse each with 401.
 *
 * @example
 * import { BAD_TOKEN_KINDS, startMockAuth } from "@org/auth-mock-server/testing";
 *
 * const auth = await startMockAuth();
 * for (const bad of BAD_TOKEN_KINDS) {
 *   const token = await auth.token({ sub: "mock-admin", bad });
 *   // expect your API to answer 401 to `Authorization: Bearer ${token}`
 * }
 */
export const BAD_TOKEN_KINDS: readonly BadTokenKind[] = [
  "expired",
  "not-yet-valid",
  "wrong-audience",
  "wrong-issuer",
  "bad-signature",
  "unknown-kid",
  "alg-none",
];

/**
 * What to mint: every field is optional (default: an ES256 access token for the configured user).
 *
 * @example
 * const options: MintTokenOptions = {
 *   sub: "mock-admin", // a persona's id, user name or email; any other value: an ad-hoc user
 *   scope: ["orders:read"],
 *   claims: { app_id: "app-1" },
 *   expiresIn: 60,
 * };
 * const token = await mock.mintToken(options);
 */
export interface MintTokenOptions {
  /** A persona (id, user name or email) or any subject; default the configured user. */
  sub?: string;
  /** An app-only (client credentials) token for `clientId`: no user, no session. */
  appOnly?: boolean;
  /** `client_id` / `azp`; default `mock-client`. */
  clientId?: string;
  /** Granted scopes; default `openid profile email` (user) or none (app-only). */
  scope?: string | string[];
  /** `aud`; default the mock's audience (`authenticated` for the supabase preset). */
  audience?: string | string[];
  /** Lifetime in seconds; default the state's `expiresIn`. */
  expiresIn?: number;
  /** `ES256` (default) or `RS256`. */
  alg?: SigningAlg;
  /** `kid` header; default the signing key's. */
  kid?: string;
  /** Claim layout of a provider; default `oidc`. */
  preset?: ClaimPreset;
  /** Extra claims, applied last (they override the preset's). */
  claims?: Record<string, unknown>;
  /** Make a token that must be refused. */
  bad?: BadTokenKind;
  /** Bind the token to a DPoP key: its thumbprint as `cnf.jkt` (see `createDpopKey`). */
  jkt?: string;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const KNOWN = new Set([
  "sub",
  "appOnly",
  "clientId",
  "scope",
  "audience",
  "expiresIn",
  "alg",
  "kid",
  "preset",
  "claims",
  "bad",
  "jkt",
]);

function fail(message: string): never {
  throw new MockAuthError("invalid_token_request", message);
}

function text(value: unknown, name: string, max = 256): string {
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > max ||
    hasControlChar(value)
  )
    fail(`${name}: expected a non-empty string (max ${max}, no control characters)`);
  return value;
}

/** Scopes from a space-separated string or an array, validated as RFC 6749 scope tokens. */
export function parseScope(value: unknown, name = "scope"): string[] {
  const list =
    typeof value === "string"
      ? value.split(" ").filter(Boolean)
      : Array.isArray(value)
        ? value
        : null;
  if (list === null || list.length > 100)
    fail(`${name}: expected a space-separated string or an array`);
  for (const s of list)
    if (typeof s !== "string" || !SCOPE_TOKEN.test(s))
      fail(`${name}: ${JSON.stringify(String(s).slice(0, 40))} is not a scope token`);
  return [...new Set(list as string[])];
}

/** Validate options from code or JSON (the endpoint); throws `invalid_token_request`. */
export function parseMintOptions(input: unknown): MintTokenOptions {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    fail('send a JSON object, e.g. {"sub":"mock-admin","scope":"orders:read"}');
  const v = input as Record<string, unknown>;
  for (const key of Object.keys(v))
    if (!KNOWN.has(key))
      fail(`unknown field ${JSON.stringify(key.slice(0, 40))}; allowed: ${[...KNOWN].join(", ")}`);
  const out: MintTokenOptions = {};
  if (v.sub !== undefined) out.sub = text(v.sub, "sub");
  if (v.appOnly !== undefined) {
    if (typeof v.appOnly !== "boolean") fail("appOnly: expected true or false");
    out.appOnly = v.appOnly;
  }
  if (v.clientId !== undefined) out.clientId = text(v.clientId, "clientId", 128);
  if (v.scope !== undefined) out.scope = parseScope(v.scope);
  if (v.audience !== undefined) {
    const list = Array.isArray(v.audience) ? v.audience : [v.audience];
    if (list.length === 0 || list.length > 10) fail("audience: expected a string or 1-10 strings");
    const auds = list.map((a) => text(a, "audience"));
    out.audience = Array.isArray(v.audience) ? auds : (auds[0] as string);
  }
  if (v.expiresIn !== undefined) {
    const n = v.expiresIn;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 365 * 24 * 3600)
      fail("expiresIn: expected whole seconds between 1 and 31536000");
    out.expiresIn = n;
  }
  if (v.alg !== undefined) {
    if (v.alg !== "ES256" && v.alg !== "RS256") fail('alg: expected "ES256" or "RS256"');
    out.alg = v.alg;
  }
  if (v.kid !== undefined) out.kid = text(v.kid, "kid", 128);
  if (v.preset !== undefined) {
    if (!CLAIM_PRESETS.includes(v.preset as ClaimPreset))
      fail(`preset: expected one of ${CLAIM_PRESETS.join(", ")}`);
    out.preset = v.preset as ClaimPreset;
  }
  if (v.claims !== undefined) {
    try {
      out.claims = parseClaims(v.claims, "claims");
    } catch (error) {
      fail((error as Error).message);
    }
  }
  if (v.bad !== undefined) {
    if (!BAD_TOKEN_KINDS.includes(v.bad as BadTokenKind))
      fail(`bad: expected one of ${BAD_TOKEN_KINDS.join(", ")}`);
    out.bad = v.bad as BadTokenKind;
  }
  if (v.jkt !== undefined) {
    if (typeof v.jkt !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(v.jkt))
      fail("jkt: expected a SHA-256 JWK thumbprint (43 base64url characters)");
    out.jkt = v.jkt;
  }
  return out;
}

function personaFor(ctx: Ctx, sub: string | undefined): Persona {
  const { state } = ctx;
  const key = sub ?? state.loginPersona ?? state.userId;
  return findPersona(state, state.personas, key) ?? { id: key };
}

const SKEW_SAFE = 600;

/** Mint a token for tests (good or deliberately bad); see `MintTokenOptions`. */
export async function mintToken(ctx: Ctx, input: MintTokenOptions = {}): Promise<string> {
  const options = parseMintOptions(input);
  const preset = options.preset ?? "oidc";
  const clientId = options.clientId ?? "mock-client";
  const client = findClient(ctx.state.clients, clientId);
  const persona = options.appOnly ? null : personaFor(ctx, options.sub);
  const scope =
    (options.scope as string[] | undefined) ?? (persona ? ["openid", "profile", "email"] : []);
  const now = Math.floor(ctx.now() / 1000);
  const sid = persona ? randomToken(16) : undefined;
  const claims = shapeClaims(preset, {
    persona,
    clientId,
    appId: client?.appId,
    scope,
    ...(sid ? { sid, authTime: now } : {}),
  });
  Object.assign(claims, client?.claims, options.claims);
  if (options.jkt !== undefined) claims.cnf = { jkt: options.jkt };
  const expiresIn = options.expiresIn ?? ctx.state.expiresIn;
  let audience: string | string[] =
    options.audience ?? presetAudience(preset) ?? client?.audience ?? ctx.settings.audience;
  let [iat, exp] = [now, now + expiresIn];
  // A user token names a session the mock knows, so get-me accepts it and logout can end it.
  if (sid && persona) {
    const session = {
      expiresAt: (now + expiresIn) * 1000 + 60_000,
      persona: sessionPersona(ctx, persona),
    };
    keep(ctx.sessions, sid, session, ctx.now());
  }
  let issuer: string | undefined;
  let notBefore: number | undefined;
  let foreignKey = false;
  let kid = options.kid;
  switch (options.bad) {
    case "expired":
      [iat, exp] = [now - expiresIn - SKEW_SAFE, now - SKEW_SAFE];
      break;
    case "not-yet-valid":
      notBefore = now + SKEW_SAFE;
      break;
    case "wrong-audience":
      audience = "mock-wrong-audience";
      break;
    case "wrong-issuer":
      issuer = "https://wrong-issuer.invalid";
      break;
    case "bad-signature":
      // A published kid, but the signature is by a key nobody published.
      foreignKey = true;
      kid ??= await activeKid(ctx, options.alg ?? "ES256");
      break;
    case "unknown-kid":
      foreignKey = true;
      kid ??= `mock-unknown-${randomToken(8)}`;
      break;
    case "alg-none": {
      const jti = randomToken(16);
      return unsigned({ ...claims, jti, iss: ctx.settings.baseUrl, aud: audience, iat, exp });
    }
  }
  return mintAccessToken(ctx, {
    claims,
    issuedAt: iat,
    expiresIn: exp - iat,
    sign: {
      alg: options.alg ?? "ES256",
      typ: "at+jwt",
      audience,
      ...(kid !== undefined ? { kid } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(notBefore !== undefined ? { notBefore } : {}),
      foreignKey,
    },
  });
}

async function activeKid(ctx: Ctx, alg: SigningAlg): Promise<string> {
  const { keys } = await ctx.signer.jwks(ctx.now());
  return keys.find((k) => k.alg === alg)?.kid as string;
}

function b64(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

function unsigned(claims: Record<string, unknown>): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}
