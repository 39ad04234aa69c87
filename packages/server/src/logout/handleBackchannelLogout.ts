import type { HttpAnswer } from "../kernel/errorAnswer.js";
import { AuthError, InvalidRequestError } from "../kernel/errors.js";
import type { LogoutRequest } from "./verifyLogoutToken.js";

/** What the back-channel logout endpoint needs: a token check, replay memory, revocation. */
export interface BackchannelLogoutDeps {
  /** Validates the logout token fully (see `verifyLogoutToken`); throws InvalidRequestError. */
  verify(token: string): Promise<LogoutRequest>;
  /** True the first time `iss`+`jti` is seen (until `exp`), false for a replay. */
  firstSight(iss: string, jti: string, exp: number): Promise<boolean>;
  /**
   * Ends the session (`sid`), every session of the subject (`sub`), or the subject's tokens that
   * carry no `sid` claim (`withoutSid`), of the logout token's issuer (`iss`), fleet-wide.
   */
  revoke(target: LogoutRevocation): Promise<unknown>;
  /**
   * Forgets `iss`+`jti` after the revocation failed, so the provider's retry of the same token
   * is not refused as a replay.
   */
  forget?(iss: string, jti: string): Promise<void>;
}

/** What one logout token revokes: a session or a subject, always of its own issuer. */
type LogoutRevocation =
  | { sid: string; iss: string }
  | { sub: string; withoutSid?: true; iss: string };

/** The answer of the endpoint, for any framework to send. */
export type LogoutAnswer = HttpAnswer;

const NO_STORE = { "cache-control": "no-store", "content-type": "application/json" };
const FORM = "application/x-www-form-urlencoded";
/**
 * Logout tokens are small JWTs; refuse anything that could not be one before parsing it.
 *
 * @example
 * scope.addContentTypeParser(FORM, { parseAs: "string", bodyLimit: MAX_LOGOUT_BODY_BYTES }, keep);
 */
export const MAX_LOGOUT_BODY_BYTES = 16 * 1024;

/** 413 for a logout request body over {@link MAX_LOGOUT_BODY_BYTES}, before it is read whole. */
export function logoutBodyTooLarge(): AuthError {
  return new AuthError(
    "invalid_request",
    413,
    `The request body is larger than ${MAX_LOGOUT_BODY_BYTES} bytes: send only the logout_token form parameter.`,
  );
}

function refused(error: AuthError): LogoutAnswer {
  return { status: error.status, headers: NO_STORE, body: JSON.stringify(error.toJSON()) };
}

/**
 * OIDC Back-Channel Logout 1.0 §2.5–2.8 for one POST: a form body with exactly one
 * `logout_token`; 200 once the session is revoked, 400 (and nothing revoked) for a missing,
 * invalid, forged or replayed token, 503 when the revocation could not be recorded (the provider
 * retries).
 */
export async function handleBackchannelLogout(
  contentType: string | undefined,
  body: string,
  deps: BackchannelLogoutDeps,
): Promise<LogoutAnswer> {
  try {
    const token = readLogoutToken(contentType, body);
    const request = await deps.verify(token);
    if (!(await deps.firstSight(request.iss, request.jti, request.exp))) {
      throw new InvalidRequestError("The logout_token was already used (its jti was seen before).");
    }
    try {
      for (const target of revocationsOf(request)) await deps.revoke(target);
    } catch (error) {
      await deps.forget?.(request.iss, request.jti).catch(() => undefined);
      throw error;
    }
    return { status: 200, headers: { "cache-control": "no-store" }, body: "" };
  } catch (error) {
    if (error instanceof AuthError && error.status < 500) return refused(error);
    return {
      status: 503,
      headers: { ...NO_STORE, "retry-after": "1" },
      body: JSON.stringify({
        error: "temporarily_unavailable",
        message: "Retry the logout later.",
      }),
    };
  }
}

/**
 * What a logout token ends: its session, and with both `sid` and `sub` also the subject's tokens
 * that carry no `sid` claim (hosted providers often leave it out of access tokens, and those
 * tokens belong to the ended session as much as any); with only `sub`, every session. Each is
 * scoped to the token's issuer: with many issuers, one tenant's `sub` never ends another's.
 */
function revocationsOf(request: LogoutRequest): LogoutRevocation[] {
  const { iss, sid, sub } = request;
  if (sid === undefined) return [{ sub: sub as string, iss }];
  if (sub === undefined) return [{ sid, iss }];
  return [
    { sid, iss },
    { sub, withoutSid: true, iss },
  ];
}

function readLogoutToken(contentType: string | undefined, body: string): string {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== FORM) {
    throw new InvalidRequestError(`Send the logout_token as ${FORM} (OIDC Back-Channel Logout).`);
  }
  if (body.length > MAX_LOGOUT_BODY_BYTES)
    throw new InvalidRequestError("The request body is too large.");
  const tokens = new URLSearchParams(body).getAll("logout_token");
  if (tokens.length !== 1 || tokens[0] === "") {
    throw new InvalidRequestError("Send exactly one logout_token form parameter.");
  }
  return tokens[0] as string;
}
