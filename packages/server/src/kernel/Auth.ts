import { CrossOriginPolicy } from "./CrossOriginPolicy.js";
import {
  AuthError,
  ConfigurationError,
  CsrfRejectedError,
  PermissionDeniedError,
  UnauthenticatedError,
} from "./errors.js";
import {
  isWellFormedToken,
  MALFORMED,
  malformedAuthorization,
  malformedToken,
  parseAuthorization,
  readCookieToken,
} from "./extractBearerToken.js";
import type { FleetLevel } from "./FleetLevel.js";
import {
  type FleetEvent,
  INVALIDATE_HELP,
  type InvalidationTarget,
  invalidationEvent,
  REVOKE_HELP,
  type RevocationTarget,
  revocationEvent,
} from "./fleetEvents.js";
import { assertPermissionName } from "./permissionName.js";
import type { Platform } from "./platform.js";
import {
  eventMatches,
  factsOf,
  peekClaims,
  type RevocationList,
  type TokenFacts,
} from "./RevocationList.js";
import { type RequestLike, toRequestContext } from "./requestContext.js";
import {
  type AuthLogger,
  type AuthSettings,
  DEFAULT_LIMITS,
  type LimitSettings,
} from "./settings.js";
import { toAuthError } from "./toAuthError.js";
import type { RequestContext, TokenValidator, Verification } from "./types.js";
import type { User } from "./user.js";
import { ValidationPipeline } from "./ValidationPipeline.js";

/**
 * What the middleware attaches to a request: never throws, never blocks.
 *
 * @example
 * const { user, error }: AuthResult = await auth.authenticate(req);
 * if (error?.code === "upstream_error") res.status(502);
 */
export interface AuthResult {
  /** The authenticated user, or null. */
  user: User | null;
  /** Why `user` is null: null when no token was sent, else the error (401 / 400 / 502). */
  error: AuthError | null;
}

/**
 * Per-request state shared by middleware and guards. The token sits in a private field so that
 * inspecting or serialising a request never prints it.
 */
export class RequestAuthState implements AuthResult {
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

const ANONYMOUS = new RequestAuthState(null, null, null, "", null, null);

/** Stands in when no platform was passed: only `createAuth()` builds instances. */
const missingPlatform: Platform = {
  sha256Key() {
    throw new ConfigurationError("Create Auth instances with createAuth().");
  },
  sha256Hex() {
    throw new ConfigurationError("Create Auth instances with createAuth().");
  },
};

/** Internal entry points used by the framework bindings (not part of the public API). */
export const kInternal = Symbol("@org/auth-server.internal");

function failed(error: AuthError): RequestAuthState {
  return new RequestAuthState(null, error, null, "", null, null);
}

/** Whether an error means "no valid credentials" (401) rather than "could not tell". */
function isUnauthenticated(error: AuthError): boolean {
  return error.status === 401;
}

/** Turns a state into the user, or throws what `getCurrentUser` must answer. */
export function requireUser(state: RequestAuthState): User {
  if (state.user !== null) return state.user;
  throw state.error ?? new UnauthenticatedError();
}

/** Turns a state into the user or null; still throws for 400 / 502. */
export function optionalUser(state: RequestAuthState): User | null {
  if (state.user !== null || state.error === null || isUnauthenticated(state.error)) {
    return state.user;
  }
  throw state.error;
}

/**
 * One configured SDK instance: settings read once, one validator, one cache. Create it with
 * `createAuth()`; the framework bindings use a process-wide default when none is given.
 *
 * @example
 * const auth = createAuth({ allowedHosts: ["app.example.com"] });
 * const user = await auth.getCurrentUser(req);
 */
export class Auth {
  readonly settings: Readonly<AuthSettings>;
  readonly validator: TokenValidator;
  /** Receives the detail of the 5xx answers the bindings send (once per error). */
  readonly logger: AuthLogger;
  private readonly pipeline: ValidationPipeline;
  /** Per-instance property key under which a request's pending state is memoised (cheaper than a
   * WeakMap for short-lived requests; two instances never share a state). */
  private readonly stateKey = Symbol("@org/auth-server.state");
  private readonly fallbackStates = new WeakMap<object, Memo>();
  /** AUTH_PROVIDER=none: the one state every request gets. */
  private readonly anonymousState: RequestAuthState | null;
  /** Which cookie-authenticated unsafe requests may proceed (CSRF). */
  private readonly crossOrigin: CrossOriginPolicy;

  constructor(
    validator: TokenValidator,
    settings: AuthSettings,
    logger: AuthLogger = console,
    platform: Platform = missingPlatform,
    limits: LimitSettings = DEFAULT_LIMITS,
  ) {
    this.validator = validator;
    this.logger = logger;
    this.settings = Object.freeze({ ...settings });
    this.pipeline = new ValidationPipeline(validator, settings, platform, Date.now, limits);
    this.crossOrigin = new CrossOriginPolicy(settings.allowedOrigins ?? []);
    const anonymous = validator.anonymous;
    this.anonymousState =
      anonymous === undefined
        ? null
        : new RequestAuthState(anonymous.user, null, "", "anonymous", anonymous, {
            header: () => undefined,
          });
  }

  /**
   * Validates the request's token (at most once per request object) and never throws.
   *
   * @example
   * const { user, error } = await auth.authenticate(req);
   */
  async authenticate(request: RequestLike): Promise<AuthResult> {
    const state = await this.stateOf(request);
    return { user: state.user, error: state.error };
  }

  /**
   * The authenticated user; throws 401 (missing/invalid token), 400 (malformed host), 502.
   *
   * @example
   * const user = await auth.getCurrentUser(req);
   */
  async getCurrentUser(request: RequestLike): Promise<User> {
    return requireUser(await this.stateOf(request));
  }

  /**
   * The user, or null when the token is missing/invalid; still throws 502 when upstream is down.
   *
   * @example
   * const user = await auth.getCurrentUserOptional(req);
   */
  async getCurrentUserOptional(request: RequestLike): Promise<User | null> {
    return optionalUser(await this.stateOf(request));
  }

  /**
   * A checker for one permission; the name is validated now (throws at route declaration).
   *
   * @example
   * const canAudit = auth.requirePermission("audit");
   * const user = await canAudit(req); // throws 401 / 403 / 502
   */
  requirePermission(name: string): (request: RequestLike) => Promise<User> {
    assertPermissionName(name);
    return async (request) => this.checkPermission(await this.stateOf(request), name);
  }

  /**
   * Revokes a token, a subject's or a session's tokens (issued up to now), or a token id: refused
   * here at once and, with Redis configured, on every instance (also those that start later).
   * Rejects when Redis could not be told (it is still applied here): retry then.
   *
   * @example
   * await auth.revoke({ sid: "3f9c…" }); // also { token }, { sub }, { jti }
   */
  async revoke(target: RevocationTarget): Promise<void> {
    await this.ready();
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) {
      await fleet.revoke(target);
      return;
    }
    const event = revocationEvent(target, Date.now(), (token) => this.pipeline.tokenHash(token));
    if (event === undefined) throw new ConfigurationError(REVOKE_HELP);
    this.pipeline.apply(event);
    this.endSessions(event);
  }

  /**
   * Drops the cached answers about a subject (or all of them), here and fleet-wide, after its
   * permissions changed: its tokens stay valid and are validated again on their next request.
   *
   * @example
   * await auth.invalidate({ sub: user.id }); // or { all: true }
   */
  async invalidate(target: InvalidationTarget): Promise<void> {
    await this.ready();
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) {
      await fleet.invalidate(target);
      return;
    }
    const event = invalidationEvent(target, Date.now());
    if (event === undefined) throw new ConfigurationError(INVALIDATE_HELP);
    this.pipeline.apply(event);
  }

  /**
   * Resolves once the shared (Redis) level is attached, or at once without one. Requests never
   * wait for it: until then, and whenever Redis is down, each instance serves on its own.
   *
   * @example
   * await auth.ready(); // e.g. before a readiness probe answers
   */
  ready(): Promise<void> {
    return this.fleetReady;
  }

  /** @internal Attaches the shared level when it has connected (see `createAuth`). */
  attachFleet(pending: Promise<FleetLevel>): void {
    this.fleetReady = pending.then((fleet) => {
      this.pipeline.attachFleet(fleet);
      fleet.onEvent((event) => this.endSessions(event));
      this.fleetClose = () => fleet.close();
    });
    this.fleetReady.catch((error: unknown) => {
      const report = this.logger.error ?? this.logger.warn;
      report.call(
        this.logger,
        `The shared cache is off, each instance serves alone: ${(error as Error)?.message}`,
      );
    });
  }

  /** @internal Revocations seen by this instance (shared with the Redis level). */
  get revocations(): RevocationList {
    return this.pipeline.revocations;
  }

  /**
   * @internal Calls `onEnd(4003)` when a revocation covers the state's token, `onEnd(4001)` when
   * it expires; returns the function that stops watching (call it when the socket closes).
   */
  watch(state: RequestAuthState, onEnd: (code: 4001 | 4003) => void): () => void {
    const facts = this.pipeline.factsFor(state.key) ?? this.factsOfState(state);
    const watcher = { facts, onEnd, stop: () => {} };
    this.watchers.add(watcher);
    const expiresAt = state.verification?.expiresAt ?? peekExpiry(state.token);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (expiresAt !== undefined) {
      const delay = Math.min(Math.max(0, expiresAt - Date.now()), 2_147_483_647);
      timer = setTimeout(() => {
        stop();
        onEnd(4001);
      }, delay);
      timer.unref?.();
    }
    const stop = () => {
      this.watchers.delete(watcher);
      if (timer !== undefined) clearTimeout(timer);
    };
    watcher.stop = stop;
    return stop;
  }

  /**
   * Releases upstream resources (the proxy's keep-alive pool, the Redis connections).
   *
   * @example
   * process.on("SIGTERM", () => void auth.close());
   */
  async close(): Promise<void> {
    await this.fleetReady.catch(() => {});
    for (const watcher of this.watchers) watcher.stop();
    await this.fleetClose?.();
    await this.validator.close?.();
  }

  private fleetReady: Promise<void> = Promise.resolve();
  private fleetClose: (() => Promise<void>) | undefined;
  private readonly watchers = new Set<{
    facts: TokenFacts;
    onEnd: (code: 4001 | 4003) => void;
    stop: () => void;
  }>();

  private factsOfState(state: RequestAuthState): TokenFacts {
    const token = state.token ?? "";
    const verification = state.verification ?? { user: state.user as User };
    return factsOf(this.pipeline.tokenHash(token), verification, Date.now(), token);
  }

  /** Ends the watched sockets a revocation covers. */
  private endSessions(event: FleetEvent): void {
    if (event.type !== "revoke") return;
    for (const watcher of [...this.watchers]) {
      if (eventMatches(event, watcher.facts)) {
        watcher.stop();
        watcher.onEnd(4003);
      }
    }
  }

  /**
   * @internal Per-request state; sync on a cache hit. The cache is asked first: a hit costs a hash
   * and a lookup, less than reading a memo off the request (on Express 5 every request object has
   * its own hidden class, so each property read or write on it is a slow lookup). Only on a miss is
   * the request's memo consulted: every upstream answer a request waits for is memoised there, so
   * middleware and guards share one upstream call even when the answer is not cached (a 502, a
   * zero TTL), and a cached answer is the one that upstream call produced.
   */
  [kInternal](request: object, ctx: RequestContext): RequestAuthState | Promise<RequestAuthState> {
    if (this.anonymousState !== null) return this.anonymousState;
    const authorization = ctx.header("authorization");
    if (authorization === undefined) return this.cookieState(request, ctx);
    const token = parseAuthorization(authorization);
    if (token === MALFORMED) return failed(malformedAuthorization(ctx));
    return this.stateFor(token, ctx, request);
  }

  /**
   * A request without an Authorization header: the access cookie, which a browser also attaches
   * to cross-site requests, so an unsafe method must prove it comes from an allowed origin before
   * anything else happens (no cache lookup, no upstream call).
   */
  private cookieState(
    request: object,
    ctx: RequestContext,
  ): RequestAuthState | Promise<RequestAuthState> {
    const token = readCookieToken(ctx, this.settings.accessTokenCookieName);
    if (token === null) return ANONYMOUS;
    const method = (request as { method?: unknown }).method;
    if (!this.crossOrigin.allows(typeof method === "string" ? method : undefined, ctx)) {
      return failed(new CsrfRejectedError());
    }
    return this.stateFor(token, ctx, request);
  }

  /** @internal Validates an explicit token (WebSocket upgrades); sync on a cache hit. */
  resolveToken(token: string, ctx: RequestContext): RequestAuthState | Promise<RequestAuthState> {
    if (this.anonymousState !== null) return this.anonymousState;
    return this.stateFor(token, ctx, undefined);
  }

  /** @internal Checks one permission for a resolved state; sync on a cache hit. Throws AuthError. */
  checkPermission(state: RequestAuthState, name: string): User | Promise<User> {
    const user = requireUser(state);
    const granted = this.pipeline.hasPermission(
      state.key,
      state.token as string,
      state.verification as Verification,
      name,
      state.ctx as RequestContext,
    );
    if (granted === true) return user;
    if (granted === false) throw new PermissionDeniedError(name);
    return granted.then((ok) => {
      if (!ok) throw new PermissionDeniedError(name);
      return user;
    });
  }

  private stateOf(request: RequestLike): RequestAuthState | Promise<RequestAuthState> {
    return this[kInternal](request, toRequestContext(request));
  }

  /** The cached outcome, else the request's memoised upstream call, else a new (memoised) one. */
  private stateFor(
    token: string,
    ctx: RequestContext,
    request: object | undefined,
  ): RequestAuthState | Promise<RequestAuthState> {
    let scope: string;
    try {
      scope = this.validator.scope === undefined ? "" : this.validator.scope(ctx);
    } catch (error) {
      return failed(toAuthError(error));
    }
    const key = this.pipeline.keyFor(scope, token);
    const cached = this.pipeline.lookup(key);
    if (cached !== undefined) {
      if (cached instanceof AuthError) return failed(cached);
      return new RequestAuthState(cached.user, null, token, key, cached, ctx);
    }
    // Only well-formed tokens are ever sent upstream (and so can ever be cached).
    if (!isWellFormedToken(token)) return failed(malformedToken(ctx));
    if (request === undefined) return this.verifyUpstream(key, token, ctx);
    const extensible = Object.isExtensible(request);
    // The memo answers only for the token it validated: a header swapped after a first check (a
    // gateway rewriting it, a reused Headers object) must not inherit the first token's user.
    const known = this.memoOf(request, extensible);
    if (known !== undefined && known.key === key) return known.pending;
    const pending = this.verifyUpstream(key, token, ctx);
    this.memoise(request, extensible, { key, pending });
    return pending;
  }

  /** The validator's answer as a state (single flight and caching live in the pipeline). */
  private verifyUpstream(
    key: string,
    token: string,
    ctx: RequestContext,
  ): Promise<RequestAuthState> {
    return this.pipeline
      .verify(key, token, ctx)
      .then(
        (verification) =>
          new RequestAuthState(verification.user, null, token, key, verification, ctx),
        failed,
      );
  }

  private memoOf(request: object, extensible: boolean): Memo | undefined {
    return extensible
      ? (request as Record<symbol, Memo | undefined>)[this.stateKey]
      : this.fallbackStates.get(request);
  }

  /** A symbol property where possible (cheaper than a WeakMap); frozen requests use the WeakMap. */
  private memoise(request: object, extensible: boolean, memo: Memo): void {
    if (extensible) {
      (request as Record<symbol, Memo>)[this.stateKey] = memo;
    } else this.fallbackStates.set(request, memo);
  }
}

/** A request's upstream validation, with the cache key of the token it validated. */
interface Memo {
  readonly key: string;
  readonly pending: Promise<RequestAuthState>;
}

/** A JWT-shaped token's `exp` in epoch ms (for closing sockets on time), or undefined. */
function peekExpiry(token: string | null): number | undefined {
  const exp = token === null ? undefined : peekClaims(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
