/** Stable machine-readable codes carried by every {@link AuthError}. */
export type AuthErrorCode =
  | "unauthenticated"
  | "invalid_token"
  | "permission_denied"
  | "upstream_error"
  | "invalid_request"
  | "configuration_error";

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

  constructor(
    code: AuthErrorCode,
    status: number,
    message: string,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = options.headers ?? {};
  }

  /** The JSON error body sent to clients: `{ error, message }`. Never contains a token. */
  toJSON(): { error: AuthErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}
