import type { JWTPayload } from "jose";
import type { Ctx } from "../core/context.js";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * An access token this provider signed that is still live: signature, issuer, expiry, not
 * revoked (itself, its grant or its login session), and not an ID token.
 */
export async function verifyAccessToken(ctx: Ctx, token: string): Promise<JWTPayload | undefined> {
  if (token.length > 16_384 || !JWT_SHAPE.test(token)) return undefined;
  const now = ctx.now();
  const payload = await ctx.signer.verify(token, now, { audience: null });
  if (!payload || typeof payload.jti !== "string") return undefined;
  // Access tokens are typed `at+jwt` (RFC 9068); an ID token (`JWT`) is not a bearer credential.
  if (headerType(token) !== "at+jwt") return undefined;
  const record = ctx.oidc.access.get(payload.jti);
  if (record?.revoked) return undefined;
  if (record?.grantId) {
    const grant = ctx.oidc.grants.get(record.grantId);
    if (!grant || grant.revoked) return undefined;
  }
  // A token is valid only while its session is stored (logout deletes it; unknown fails closed).
  if (typeof payload.sid === "string" && !ctx.sessions.has(payload.sid)) return undefined;
  return payload;
}

function headerType(token: string): unknown {
  try {
    const segment = (token.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(segment)).typ;
  } catch {
    return undefined;
  }
}

/** The bearer token of `Authorization` (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | null): string | undefined {
  if (header === null) return undefined;
  return /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i.exec(header)?.[1];
}
