import { PERMISSION_NAME, PERMISSION_NAME_RULE } from "../config/parse.js";
import { authenticate, type Identity, presentedToken } from "../core/authenticate.js";
import { resourceDpop } from "../core/checkDpopProof.js";
import { type Ctx, personaOfSession } from "../core/context.js";
import { userBody } from "../core/MockState.js";
import { json, jsonError, type MockResponse, type RequestLike } from "../core/responses.js";

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
  // A DPoP-bound token needs its proof (never as Bearer nor from the cookie); unbound ones do not.
  const dpop = /^DPoP /i.test(request.headers.get("authorization") ?? "");
  if (identity.jkt !== undefined || dpop) {
    const refused = await resourceDpop(
      ctx,
      request,
      { token, dpop },
      {
        ...(identity.jkt === undefined ? {} : { cnf: { jkt: identity.jkt } }),
      },
    );
    if (refused) return { response: refused };
  }
  return { identity };
}

/** `GET /_oxa_auth/get-me`: the session's persona, else the configured user. */
export async function handleGetMe(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const outcome = await requireIdentity(ctx, request);
  if ("response" in outcome) return outcome.response;
  return json(200, userBody(ctx.state, personaOfSession(ctx, outcome.identity.sid)));
}

/** The name from its one percent-encoded path segment (`read%3Amessages`), else null. */
function decodePermissionName(segment: string): string | null {
  if (segment.includes("/")) return null;
  try {
    const name = decodeURIComponent(segment);
    return PERMISSION_NAME.test(name) ? name : null;
  } catch {
    return null; // malformed percent-encoding
  }
}

/**
 * `POST /_oxa_auth/test-app-permission/{name}` (`name` percent-encoded as one path segment):
 * 200 granted, 403 denied, 401, 400 bad name.
 */
export async function handlePermission(
  ctx: Ctx,
  request: RequestLike,
  segment: string,
): Promise<MockResponse> {
  const name = decodePermissionName(segment);
  if (name === null) {
    return jsonError(
      400,
      "invalid_permission_name",
      `${PERMISSION_NAME_RULE}, sent as one percent-encoded path segment`,
    );
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
