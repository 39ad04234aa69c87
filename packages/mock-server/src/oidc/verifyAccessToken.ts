import type { Ctx } from "../core/context.js";
import { type IssuedToken, verifyIssuedToken } from "../core/verifyIssuedToken.js";

/**
 * An access token this provider signed that is still live (see `verifyIssuedToken`), for any
 * audience, and typed `at+jwt` (RFC 9068): an ID token is not a bearer credential.
 */
export async function verifyAccessToken(ctx: Ctx, token: string): Promise<IssuedToken | undefined> {
  const issued = await verifyIssuedToken(ctx, token, { audience: null });
  return issued?.typ === "at+jwt" ? issued : undefined;
}
