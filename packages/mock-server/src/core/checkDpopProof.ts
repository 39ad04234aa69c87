import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { encode as base64url } from "jose/base64url";
import { LRUCache } from "lru-cache";
import type { Ctx } from "./context.js";
import { randomToken } from "./random.js";
import { jsonError, type MockResponse, type RequestLike } from "./responses.js";

/** The proof algorithms the mock accepts (and advertises as `dpop_signing_alg_values_supported`). */
export const DPOP_ALGORITHMS: readonly string[] = [
  "ES256",
  "ES384",
  "ES512",
  "RS256",
  "PS256",
  "EdDSA",
];

const MAX_PROOF = 8192;
const WINDOW_S = 60;
const SKEW_S = 60;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Each mock instance's proof memory: jtis seen within the window, and its server nonce. */
interface DpopMemory {
  seen: LRUCache<string, true>;
  nonce: { current: string; previous: string; rotatedAt: number };
}
const memories = new WeakMap<Ctx, DpopMemory>();

function memoryOf(ctx: Ctx): DpopMemory {
  let memory = memories.get(ctx);
  if (memory === undefined) {
    const nonce = randomToken(16);
    memory = {
      seen: new LRUCache({ max: 10_000, ttl: (WINDOW_S + 2 * SKEW_S) * 1000 }),
      nonce: { current: nonce, previous: nonce, rotatedAt: ctx.now() },
    };
    memories.set(ctx, memory);
  }
  return memory;
}

/** The mock's current server nonce (rotated every minute; the previous one still counts). */
export function currentDpopNonce(ctx: Ctx): string {
  const { nonce } = memoryOf(ctx);
  if (ctx.now() - nonce.rotatedAt >= WINDOW_S * 1000) {
    nonce.previous = nonce.current;
    nonce.current = randomToken(16);
    nonce.rotatedAt = ctx.now();
  }
  return nonce.current;
}

/** Where the proof is checked: the token endpoint (400s) or a resource (401 with a challenge). */
export interface DpopExpectation {
  /** A resource endpoint's bound access token: `ath` must be its hash. */
  accessToken?: string;
  /** The key the token (or a public client's refresh token) is bound to. */
  jkt?: string;
  /** `resource`: answer 401 with `WWW-Authenticate: DPoP`; `token`: answer 400 (RFC 9449 §5). */
  at: "resource" | "token";
}

/** A checked proof's key thumbprint, or the answer refusing it. */
export type DpopOutcome = { jkt: string } | { response: MockResponse };

/** base64url(sha256(value)), as `ath` and thumbprints spell digests. */
export async function sha256Base64url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return base64url(new Uint8Array(digest));
}

function refuse(expect: DpopExpectation, error: string, description: string, extra = {}) {
  if (expect.at === "token") return { response: jsonError(400, error, description, extra) };
  const challenge = `DPoP error="${error}", error_description="${description}", algs="${DPOP_ALGORITHMS.join(" ")}"`;
  return {
    response: jsonError(401, error, description, { "www-authenticate": challenge, ...extra }),
  };
}

/**
 * Checks the request's `DPoP` proof as RFC 9449 §4.3 says (typ, alg, public jwk, signature,
 * htm, htu, iat, ath, the key bound, the nonce in nonce mode, jti once); undefined when the
 * request carries none.
 *
 * @example
 * const outcome = await checkDpopProof(ctx, request, { at: "token" });
 * if (outcome && "response" in outcome) return outcome.response;
 */
export async function checkDpopProof(
  ctx: Ctx,
  request: RequestLike,
  expect: DpopExpectation,
): Promise<DpopOutcome | undefined> {
  const proof = request.headers.get("dpop");
  if (proof === null) return undefined;
  const bad = (why: string) => refuse(expect, "invalid_dpop_proof", why);
  if (proof.length > MAX_PROOF || !COMPACT_JWS.test(proof)) {
    return bad("send one DPoP proof (a compact JWS of at most 8 KiB)");
  }
  let payload: JWTPayload;
  let jkt: string;
  try {
    const header = decodeProtectedHeader(proof);
    if (header.typ !== "dpop+jwt") return bad("the proof's typ must be dpop+jwt");
    if (typeof header.alg !== "string" || !DPOP_ALGORITHMS.includes(header.alg))
      return bad(`the proof's alg must be one of ${DPOP_ALGORITHMS.join(" ")}`);
    const jwk = header.jwk as Record<string, unknown> | undefined;
    if (typeof jwk !== "object" || jwk === null) return bad("the proof must carry its public jwk");
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) return bad("the proof's jwk must be a public key");
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: "dpop+jwt",
      algorithms: [...DPOP_ALGORITHMS],
    }));
    jkt = await calculateJwkThumbprint(header.jwk as Parameters<typeof calculateJwkThumbprint>[0]);
  } catch {
    return bad("the proof is not a valid signed JWT");
  }
  const url = new URL(request.url);
  if (payload.htm !== request.method.toUpperCase())
    return bad("the proof's htm is not this method");
  let htu: URL | undefined;
  try {
    htu = typeof payload.htu === "string" ? new URL(payload.htu) : undefined;
  } catch {}
  if (htu === undefined || `${htu.origin}${htu.pathname}` !== `${url.origin}${url.pathname}`)
    return bad("the proof's htu is not this URL");
  const now = ctx.now() / 1000;
  if (
    typeof payload.iat !== "number" ||
    now - payload.iat > WINDOW_S + SKEW_S ||
    payload.iat - now > SKEW_S
  )
    return bad("the proof's iat is outside the 60 s window: make a new proof per request");
  if (
    expect.accessToken !== undefined &&
    payload.ath !== (await sha256Base64url(expect.accessToken))
  )
    return bad("the proof's ath is not this access token's hash");
  if (expect.jkt !== undefined && jkt !== expect.jkt)
    return bad("the proof is signed with another key than the token is bound to");
  if (ctx.settings.dpopNonce) {
    const current = currentDpopNonce(ctx);
    const { previous } = memoryOf(ctx).nonce;
    if (payload.nonce !== current && payload.nonce !== previous) {
      return refuse(expect, "use_dpop_nonce", "sign the proof with the DPoP-Nonce value", {
        "dpop-nonce": current,
      });
    }
  }
  if (typeof payload.jti !== "string" || payload.jti === "" || payload.jti.length > 256)
    return bad("the proof needs a unique jti");
  const seen = memoryOf(ctx).seen;
  const id = `${jkt} ${payload.jti}`;
  if (seen.has(id)) return bad("this proof was used before: make a new one per request");
  seen.set(id, true);
  return { jkt };
}

/** The `cnf.jkt` of verified claims, or undefined for an unbound token. */
export function boundKey(payload: Record<string, unknown>): string | undefined {
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === "string" ? cnf.jkt : undefined;
}

/**
 * The access token of `Authorization` as `Bearer` or `DPoP`, with its scheme; undefined when
 * neither.
 *
 * @example
 * const sent = schemeToken(request.headers.get("authorization")); // { token, dpop: true }
 */
export function schemeToken(header: string | null): { token: string; dpop: boolean } | undefined {
  if (header === null) return undefined;
  const match = /^(Bearer|DPoP)[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header);
  if (!match?.[2]) return undefined;
  return { token: match[2], dpop: (match[1] as string).toLowerCase() === "dpop" };
}

/**
 * The DPoP rule of a resource endpoint (userinfo, get-me): a bound token only as `DPoP` with its
 * proof; an unbound one only as Bearer. Undefined when the request may go on.
 *
 * @example
 * const refused = await resourceDpop(ctx, request, sent, payload);
 * if (refused) return refused;
 */
export async function resourceDpop(
  ctx: Ctx,
  request: RequestLike,
  sent: { token: string; dpop: boolean },
  payload: Record<string, unknown>,
): Promise<MockResponse | undefined> {
  const jkt = boundKey(payload);
  const expect: DpopExpectation = { at: "resource", accessToken: sent.token };
  if (jkt === undefined) {
    return sent.dpop
      ? refuse(expect, "invalid_token", "this token is not DPoP-bound: send it as Bearer").response
      : undefined;
  }
  if (!sent.dpop)
    return refuse(expect, "invalid_token", "this token is DPoP-bound: send it as DPoP with a proof")
      .response;
  const outcome = await checkDpopProof(ctx, request, { ...expect, jkt });
  if (outcome === undefined)
    return refuse(expect, "invalid_dpop_proof", "send a DPoP proof for this request").response;
  return "response" in outcome ? outcome.response : undefined;
}
