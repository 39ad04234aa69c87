import { presentedToken } from "../core/authenticate.js";
import { checkDpopProof } from "../core/checkDpopProof.js";
import type { Ctx } from "../core/context.js";
import { readCookie } from "../core/cookies.js";
import { constantTimeEqual, sha256 } from "../core/random.js";
import {
  json,
  jsonError,
  type MockResponse,
  noContent,
  type RequestLike,
} from "../core/responses.js";
import { revokeSession } from "../core/revokeSession.js";
import { revokeToken } from "../core/revokeToken.js";
import { rotateRefreshToken } from "../core/rotateRefreshToken.js";
import { verifyIssuedToken } from "../core/verifyIssuedToken.js";
import { issueTokens } from "./issueTokens.js";
import { tokenCookies } from "./tokenCookies.js";

const MAX_BODY = 16 * 1024;

async function readCode(request: RequestLike): Promise<string | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) return undefined;
  const text = await request.text();
  if (text.length > MAX_BODY) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    const code = (body as { code?: unknown } | null)?.code;
    return typeof code === "string" && code.length > 0 && code.length <= 512 ? code : undefined;
  } catch {
    return undefined;
  }
}

function tokenBody(ctx: Ctx, accessToken: string, bound: boolean) {
  const token_type = bound ? "DPoP" : "Bearer";
  return { access_token: accessToken, token_type, expires_in: ctx.state.expiresIn };
}

/** `POST /_oxa_auth/token-exchange`: a one-time app code (≤ 60 s old) → tokens + cookies. */
export async function handleTokenExchange(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const code = await readCode(request);
  if (code === undefined) {
    return jsonError(
      400,
      "invalid_request",
      'send Content-Type: application/json with {"code":"<one-time code>"}',
    );
  }
  // A DPoP proof (RFC 9449 §5) binds the session's tokens to its key.
  const proof = await checkDpopProof(ctx, request, { at: "token" });
  if (proof !== undefined && "response" in proof) return proof.response;
  const key = await sha256(code);
  const record = ctx.codes.get(key);
  const invalid = (why: string) => jsonError(400, "invalid_grant", why);
  if (!record) return invalid("unknown or expired code: codes work once, for 60 seconds");
  if (record.used) return invalid("this code was already exchanged: codes work once");
  const origin = request.headers.get("origin");
  if (
    origin !== null &&
    record.origin !== null &&
    origin !== record.origin &&
    origin !== ctx.baseUrl.origin
  ) {
    return invalid("this code was issued to another origin");
  }
  record.used = true;
  return tokensAnswer(
    ctx,
    await issueTokens(ctx, null, record.authTime, record.persona, undefined, proof?.jkt),
  );
}

/** 200 with the token body and both cookies: what every successful exchange and refresh answers. */
function tokensAnswer(
  ctx: Ctx,
  { accessToken, refreshToken, jkt }: { accessToken: string; refreshToken: string; jkt?: string },
): MockResponse {
  return json(
    200,
    tokenBody(ctx, accessToken, jkt !== undefined),
    tokenCookies(ctx, { access: accessToken, refresh: refreshToken }),
  );
}

/**
 * `POST /_oxa_auth/refresh`: rotate the refresh cookie; a repeat within the reuse interval gets
 * the same successor; unknown, expired or reused late → 401 (late reuse ends the session).
 */
export async function handleRefresh(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const presented = readCookie(request.headers.get("cookie"), ctx.settings.refreshCookieName);
  const denied = (why: string) =>
    jsonError(401, "invalid_grant", why, {}, [tokenCookies(ctx)[1] as string]);
  if (!presented) return denied(`no ${ctx.settings.refreshCookieName} cookie: log in first`);
  const proof = await checkDpopProof(ctx, request, { at: "token" });
  if (proof !== undefined && "response" in proof) return proof.response;
  if (constantTimeEqual(presented, ctx.settings.refreshTokenValue)) {
    return tokensAnswer(ctx, await issueTokens(ctx, null, null, null, undefined, proof?.jkt));
  }
  const record = ctx.refresh.get(await sha256(presented));
  if (!record) return denied("unknown or expired refresh token: log in again");
  if (!ctx.sessions.get(record.sid)) return denied("this session was logged out: log in again");
  // A bound session refreshes only with a proof by its key (a copied cookie is useless alone).
  if (record.jkt !== undefined && record.jkt !== proof?.jkt) {
    return jsonError(
      400,
      "invalid_dpop_proof",
      "this session is DPoP-bound: send a proof by its key",
    );
  }
  const successor = rotateRefreshToken(record, ctx.now, ctx.state.refreshReuseInterval);
  if (successor === null) {
    // A rotated token came back late: someone holds a copy. Kill the whole session.
    revokeSession(ctx, record.sid);
    return denied("refresh token reuse detected: the session is revoked, log in again");
  }
  return tokensAnswer(
    ctx,
    await issueTokens(ctx, record.sid, null, null, successor, record.jkt ?? proof?.jkt),
  );
}

/**
 * `POST /_oxa_auth/logout`: revoke the session of the refresh cookie and/or the bearer JWT (a
 * JWT without a session: that token itself), clear cookies.
 */
export async function handleLogout(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const presented = readCookie(request.headers.get("cookie"), ctx.settings.refreshCookieName);
  if (presented) {
    const record = ctx.refresh.get(await sha256(presented));
    if (record) revokeSession(ctx, record.sid);
  }
  const token = presentedToken(ctx, request);
  if (token && token !== "malformed") {
    const issued = await verifyIssuedToken(ctx, token);
    if (issued?.sid) revokeSession(ctx, issued.sid);
    else if (issued) revokeToken(ctx, issued);
  }
  return noContent(tokenCookies(ctx));
}
