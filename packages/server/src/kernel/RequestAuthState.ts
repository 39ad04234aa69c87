import { type AuthError, UnauthenticatedError } from "./errors.js";
import type { AuthLogger } from "./settings.js";
import type { Telemetry } from "./Telemetry.js";
import type { RequestContext, Verification } from "./types.js";
import type { User } from "./user.js";

/**
 * Per-request state shared by middleware and guards. The token sits in a private field so that
 * inspecting or serialising a request never prints it.
 */
export class RequestAuthState {
  readonly #token: string | null;

  constructor(
    readonly user: User | null,
    readonly error: AuthError | null,
    token: string | null,
    readonly key: string,
    readonly verification: Verification | null,
    readonly ctx: RequestContext | null,
  ) {
    this.#token = token;
  }

  get token(): string | null {
    return this.#token;
  }
}

/** A state without a user: no token (error null), or why the token was refused. */
export function failed(error: AuthError | null): RequestAuthState {
  return new RequestAuthState(null, error, null, "", null, null);
}

/** Turns a state into the user, or throws what `getCurrentUser` must answer. */
export function requireUser(state: RequestAuthState): User {
  if (state.user !== null) return state.user;
  throw state.error ?? new UnauthenticatedError();
}

/** Turns a state into the user or null (missing / invalid token); still throws 400 / 502. */
export function optionalUser(state: RequestAuthState): User | null {
  if (state.user !== null || state.error === null || state.error.status === 401) {
    return state.user;
  }
  throw state.error;
}

/** What the runner and the guards need of an `Auth` instance (declared here to avoid a cycle). */
export interface AuthCore {
  /** Receives the detail of each 5xx answer, once. */
  readonly logger: AuthLogger;
  /** Where each guard run's outcome is counted. */
  readonly telemetry: Telemetry;
  /** Auth switched off (`AUTH_PROVIDER=none`): every guard lets the anonymous user through. */
  readonly disabled: boolean;
  /** Seconds of clock difference the time checks allow (`AUTH_CLOCK_SKEW`). */
  readonly clockToleranceSeconds: number;
  /** `AUTH_MAX_TOKEN_AGE`: tokens older than this since sign-in are invalid; undefined: none. */
  readonly maxTokenAge: number | undefined;
  /**
   * The request's state; synchronous on a cache hit. `token` undefined: read from `ctx`
   * (header, then cookie); null: none was sent. `memo` is the request object a pending upstream
   * answer is remembered on, so middleware and guards share one call.
   */
  stateFor(
    ctx: RequestContext,
    memo: object | undefined,
    token?: string | null,
  ): RequestAuthState | Promise<RequestAuthState>;
  /** The user if it holds `name`; throws 401 / 403 / 502; synchronous on a cache hit. */
  checkPermission(state: RequestAuthState, name: string): User | Promise<User>;
  /** The refusal as answered: with `resource_metadata` when this API is a protected resource. */
  challenge?(error: AuthError): AuthError;
}
