import type { Ctx } from "../core/context.js";
import { serializeCookie } from "../core/cookies.js";

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
