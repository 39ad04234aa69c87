import { PERMISSION_NAME } from "../../config/parse.js";
import { authenticate, type Identity, presentedToken } from "../authenticate.js";
import { type Ctx, personaOfSession } from "../context.js";
import { userBody } from "../MockState.js";
import { json, jsonError, type MockResponse, type RequestLike } from "../responses.js";

type Outcome = { identity: Identity } | { response: MockResponse };

async function requireIdentity(ctx: Ctx, request: RequestLike): Promise<Outcome> {
  const token = presentedToken(ctx, request);
  if (token === null) {
    return {
      response: jsonError(
        401,
        "unauthenticated",
        "send Authorization: Bearer <token> or the access cookie",
        {
          "www-authenticate": 'Bearer realm="oxaigen-mock"',
        },
      ),
    };
  }
  const identity = token === "malformed" ? undefined : await authenticate(ctx, token);
  if (!identity) {
    return {
      response: jsonError(
        401,
        "invalid_token",
        "the token is invalid, expired or revoked: log in again",
        {
          "www-authenticate": 'Bearer realm="oxaigen-mock", error="invalid_token"',
        },
      ),
    };
  }
  return { identity };
}

/** `GET /_oxa_auth/get-me`: the session's persona, else the configured user. */
export async function handleGetMe(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const outcome = await requireIdentity(ctx, request);
  if ("response" in outcome) return outcome.response;
  return json(200, userBody(ctx.state, personaOfSession(ctx, outcome.identity.sid)));
}

/** `POST /_oxa_auth/test-app-permission/{name}`: 200 granted, 403 denied, 401, 400 bad name. */
export async function handlePermission(
  ctx: Ctx,
  request: RequestLike,
  name: string,
): Promise<MockResponse> {
  if (!PERMISSION_NAME.test(name) || name.length > 128) {
    return jsonError(400, "invalid_permission_name", "permission names match [A-Za-z0-9_-]+");
  }
  const outcome = await requireIdentity(ctx, request);
  if ("response" in outcome) return outcome.response;
  const { kind, sid } = outcome.identity;
  const persona = personaOfSession(ctx, sid);
  const permissions = persona === null ? ctx.state.permissions : (persona.permissions ?? []);
  const granted = kind !== "forbidden" && permissions.includes(name);
  if (!granted) return json(403, { error: "permission_denied", permission: name, granted: false });
  return json(200, { permission: name, granted: true });
}

/** `POST /_oxa_auth/test-app-token`: the auth status of whatever token is presented. */
export async function handleTestAppToken(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const token = presentedToken(ctx, request);
  const identity = token && token !== "malformed" ? await authenticate(ctx, token) : undefined;
  return json(200, {
    authenticated: identity !== undefined,
    user_id: identity ? (personaOfSession(ctx, identity.sid)?.id ?? ctx.state.userId) : null,
    expires_at: identity?.expiresAt ?? null,
  });
}
