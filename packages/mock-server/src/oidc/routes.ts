import type { Ctx } from "../core/context.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { MockAuthError } from "../MockAuthError.js";
import { handleAuthorize, handleDecision } from "./authorize.js";
import { handleEndSession } from "./endSession.js";
import { handleIntrospection } from "./introspection.js";
import { mintToken } from "./mintToken.js";
import { oauthError } from "./oauthRequest.js";
import { MINT_PATH, OIDC_PATHS } from "./paths.js";
import { handleRegistration } from "./registerClient.js";
import { handleRevocation } from "./revocation.js";
import { handleToken } from "./token.js";
import { handleUserinfo } from "./userinfo.js";

type Handler = (ctx: Ctx, request: RequestLike, url: URL) => Promise<MockResponse>;

const HANDLERS: Record<string, Handler> = {
  [OIDC_PATHS.authorize]: handleAuthorize,
  [OIDC_PATHS.authorizeDecision]: handleDecision,
  [OIDC_PATHS.token]: handleToken,
  [OIDC_PATHS.userinfo]: handleUserinfo,
  [OIDC_PATHS.introspect]: handleIntrospection,
  [OIDC_PATHS.revoke]: handleRevocation,
  [OIDC_PATHS.endSession]: handleEndSession,
  [OIDC_PATHS.register]: handleRegistration,
  [MINT_PATH]: handleMint,
};

/** Run the OpenID provider's handler for `url.pathname` (the router checked the method). */
export function handleOidc(ctx: Ctx, request: RequestLike, url: URL): Promise<MockResponse> {
  const handler = HANDLERS[url.pathname] as Handler;
  return handler(ctx, request, url);
}

const MAX_BODY = 16 * 1024;

/** `POST /_oxa_auth/mock/token`: mint a token for tests (JSON `MintTokenOptions`). */
async function handleMint(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? ""))
    return oauthError(
      415,
      "invalid_request",
      'send Content-Type: application/json, e.g. {"sub":"mock-admin"}',
    );
  const text = await request.text();
  if (text.length > MAX_BODY) return oauthError(413, "invalid_request", "body larger than 16 KiB");
  let body: unknown;
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return oauthError(400, "invalid_request", "the body is not valid JSON");
  }
  try {
    const token = await mintToken(ctx, body as never);
    return json(200, { access_token: token, token_type: "Bearer" });
  } catch (error) {
    if (error instanceof MockAuthError) return oauthError(400, "invalid_request", error.message);
    throw error;
  }
}
