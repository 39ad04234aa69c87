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

/**
 * Any live access token the mock issued: the OpenID provider's (`at+jwt`) and the proxy API's
 * sessions' (`JWT`). Introspection answers for both, as the server that issued them; ID tokens
 * carry no `jti` and never pass `verifyIssuedToken`, logout tokens are neither type.
 *
 * @example
 * const live = await verifyAnyAccessToken(ctx, token); // a proxy session's token too
 */
export async function verifyAnyAccessToken(
  ctx: Ctx,
  token: string,
): Promise<IssuedToken | undefined> {
  const issued = await verifyIssuedToken(ctx, token, { audience: null });
  return issued?.typ === "at+jwt" || issued?.typ === "JWT" ? issued : undefined;
}
