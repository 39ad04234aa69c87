/**
 * Stable machine-readable codes carried by every {@link AuthError}.
 *
 * @example
 * const code: AuthErrorCode = req.authError ?? "unauthenticated";
 * if (code === "upstream_error") retryLater();
 */
export type AuthErrorCode =
  | "unauthenticated"
  | "invalid_token"
  | "host_not_allowed"
  | "permission_denied"
  | "insufficient_claims"
  | "csrf_rejected"
  | "upstream_error"
  | "overloaded"
  | "revocation_unavailable"
  | "invalid_request"
  | "configuration_error"
  | "invalid_dpop_proof"
  | "use_dpop_nonce";

/**
 * Base class of every error the SDK throws; `code` is stable, `status` is the HTTP status to send.
 *
 * @example
 * if (err instanceof AuthError) res.status(err.status).set(err.headers).json(err.toJSON());
 */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly status: number;
  /** Response headers the error requires (e.g. `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The message clients see in the JSON body. Equals `message` for 4xx errors; generic for 5xx,
   * whose `message` (how to fix it, with internal URLs) is for your logs only.
   */
  readonly publicMessage: string;

  constructor(
    code: AuthErrorCode,
    status: number,
    message: string,
    options: { headers?: Record<string, string>; cause?: unknown; publicMessage?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = options.headers ?? {};
    this.publicMessage = options.publicMessage ?? message;
  }

  /**
   * The JSON error body sent to clients: `{ error, message: publicMessage }`. Never contains a
   * token, nor (for 5xx) internal URLs or configuration hints: log `err.message` for those.
   */
  toJSON(): { error: AuthErrorCode; message: string } {
    return { error: this.code, message: this.publicMessage };
  }
}

/** The body message of every 502: upstream URLs and hosts stay in `err.message` / `err.cause`. */
export const UPSTREAM_PUBLIC_MESSAGE =
  "The authentication service is unavailable; try again later.";
/** The body message of a 500 ConfigurationError that reaches a client. */
export const CONFIGURATION_PUBLIC_MESSAGE =
  "The server's authentication is misconfigured; the operator must check its logs.";

const NO_TOKEN_CHALLENGE = { "WWW-Authenticate": "Bearer" } as const;
const INVALID_TOKEN_CHALLENGE = { "WWW-Authenticate": 'Bearer error="invalid_token"' } as const;

/**
 * 401: no token was sent (RFC 6750 challenge without an `error` parameter).
 *
 * @example
 * throw new UnauthenticatedError();
 */
export class UnauthenticatedError extends AuthError {
  constructor(
    message = "Authentication required: send `Authorization: Bearer <token>` or the access cookie.",
    options: {
      code?: "unauthenticated" | "invalid_token" | "host_not_allowed";
      cause?: unknown;
    } = {},
  ) {
    const code = options.code ?? "unauthenticated";
    super(code, 401, message, {
      headers: code === "unauthenticated" ? NO_TOKEN_CHALLENGE : INVALID_TOKEN_CHALLENGE,
      cause: options.cause,
    });
  }
}

/**
 * 401: a token was sent but is malformed, invalid, expired or unknown (`error="invalid_token"`).
 *
 * @example
 * throw new InvalidTokenError("The token has expired; sign in again.");
 */
export class InvalidTokenError extends UnauthenticatedError {
  constructor(
    message = "The access token is invalid or expired; sign in again.",
    options: { cause?: unknown } = {},
  ) {
    super(message, { code: "invalid_token", cause: options.cause });
  }
}

/**
 * 401: the request's Host / X-Forwarded-Host is not in `OXAIGEN_AUTH_ALLOWED_HOSTS`, so no proxy
 * may vouch for its token (no outbound call is made).
 *
 * @example
 * if (err instanceof HostNotAllowedError) console.warn("forged or unlisted host");
 */
export class HostNotAllowedError extends UnauthenticatedError {
  constructor(
    message = "This host is not allowed to validate tokens; add it to OXAIGEN_AUTH_ALLOWED_HOSTS.",
  ) {
    super(message, { code: "host_not_allowed" });
  }
}

/**
 * 403: the user is authenticated but lacks the permission (`error="insufficient_scope"`).
 *
 * @example
 * throw new PermissionDeniedError("audit");
 */
export class PermissionDeniedError extends AuthError {
  /** The permission that was required. */
  readonly permission: string;

  constructor(permission: string, message?: string) {
    // Names are OAuth scope-tokens (kernel/permissionName.ts) before they get here: safe in a header.
    super(
      "permission_denied",
      403,
      message ??
        `Missing permission "${permission}": grant it to the user's role in the workspace.`,
      {
        headers: { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${permission}"` },
      },
    );
    this.permission = permission;
  }
}

/**
 * 403: an unsafe request (not GET / HEAD / OPTIONS) authenticated only by the access cookie came
 * from another origin (cross-site request forgery); refused before any validation.
 *
 * @example
 * if (err instanceof CsrfRejectedError) console.warn("cross-origin form post with the cookie");
 */
export class CsrfRejectedError extends AuthError {
  constructor(
    message = "Cross-origin request refused: it changes state and carries only the access cookie. Send `Authorization: Bearer <token>`, or add the calling page's origin to OXAIGEN_AUTH_ALLOWED_ORIGINS.",
  ) {
    super("csrf_rejected", 403, message);
  }
}

/**
 * 502: the auth upstream (proxy, JWKS, custom adapter) failed or answered something unexpected.
 * Never cached. `message` says what failed and how to fix it (server-side); the client body
 * carries only a generic message.
 *
 * @example
 * throw new UpstreamError("The auth proxy answered 503; check that it is running.");
 */
export class UpstreamError extends AuthError {
  constructor(message = UPSTREAM_PUBLIC_MESSAGE, options: { cause?: unknown } = {}) {
    super("upstream_error", 502, message, {
      cause: options.cause,
      publicMessage: UPSTREAM_PUBLIC_MESSAGE,
    });
  }
}

/** The `Retry-After` header of a 503: whole seconds, at least one. */
function retryAfter(seconds: number): Record<string, string> {
  return { "Retry-After": String(Math.max(1, Math.ceil(seconds))) };
}

/** The body message of every 503 `overloaded`. */
export const OVERLOADED_PUBLIC_MESSAGE =
  "Too many sign-in checks are in progress; retry after the time in Retry-After.";

/**
 * 503: this instance already runs as many upstream validations as it allows and its queue is
 * full (a flood of unknown tokens); carries `Retry-After`. Never cached.
 *
 * @example
 * if (err instanceof OverloadedError) res.set(err.headers).status(503).json(err.toJSON());
 */
export class OverloadedError extends AuthError {
  constructor(retryAfterSeconds = 1) {
    super(
      "overloaded",
      503,
      "Upstream validations are at their bound (AUTH_UPSTREAM_MAX_CONCURRENCY, AUTH_UPSTREAM_MAX_QUEUE); raise them if legitimate traffic gets this.",
      {
        headers: retryAfter(retryAfterSeconds),
        publicMessage: OVERLOADED_PUBLIC_MESSAGE,
      },
    );
  }
}

/**
 * 503: Redis is configured but could not say whether this token is revoked, and this instance
 * has not checked the token before; carries `Retry-After`. Never cached. `AUTH_REDIS_FAIL_OPEN`
 * accepts such tokens unchecked instead.
 *
 * @example
 * if (err instanceof RevocationUnavailableError) res.set(err.headers).status(503).end();
 */
export class RevocationUnavailableError extends AuthError {
  constructor(retryAfterSeconds = 1) {
    super(
      "revocation_unavailable",
      503,
      "Redis (AUTH_REDIS_URL) did not answer whether the token is revoked, so it was refused; check Redis, or set AUTH_REDIS_FAIL_OPEN=true to accept tokens unchecked while it is down.",
      {
        headers: retryAfter(retryAfterSeconds),
        publicMessage:
          "Sign-in checks are briefly unavailable; retry after the time in Retry-After.",
      },
    );
  }
}

/**
 * 400: the request itself is malformed (e.g. a Host header with a path or userinfo).
 *
 * @example
 * throw new InvalidRequestError("The Host header is malformed.");
 */
export class InvalidRequestError extends AuthError {
  constructor(message: string) {
    super("invalid_request", 400, message, {
      headers: { "WWW-Authenticate": 'Bearer error="invalid_request"' },
    });
  }
}

/**
 * Thrown at start-up (or when a route is declared) for invalid settings; the message names the
 * variable or option to fix.
 *
 * @example
 * throw new ConfigurationError("OXAIGEN_AUTH_CACHE_TTL_SECONDS must be a number >= 0.");
 */
export class ConfigurationError extends AuthError {
  constructor(message: string) {
    super("configuration_error", 500, message, { publicMessage: CONFIGURATION_PUBLIC_MESSAGE });
  }
}

/**
 * 401 for a token that was sent but cannot be accepted; `reason` says why and never contains
 * the token.
 *
 * @example
 * throw invalidToken("the token's audience (aud) is not accepted by this API");
 */
export function invalidToken(reason: string, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError(`Invalid access token: ${reason}.`, { cause });
}

/**
 * 502 when a validator's upstream (identity provider, JWKS, custom adapter) cannot be reached or
 * answers nonsense; `message` says what failed and how to fix it (server-side only).
 *
 * @example
 * throw upstreamError("Could not fetch the JWKS: HTTP 500.", cause);
 */
export function upstreamError(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, { cause });
}
