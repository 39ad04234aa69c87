import { LRUCache } from "lru-cache";
import { CrossOriginPolicy } from "./CrossOriginPolicy.js";
import type { HttpAnswer } from "./errorAnswer.js";
import {
  AuthError,
  ConfigurationError,
  CsrfRejectedError,
  PermissionDeniedError,
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
import {
  attachGuard,
  type BoundGuard,
  bindGuard,
  optionalGuard,
  permissionGuard,
  requiredGuard,
} from "./Guard.js";
import type { Platform } from "./platform.js";
import { failed, RequestAuthState, requireUser } from "./RequestAuthState.js";
import {
  eventMatches,
  peekClaims,
  type RevocationList,
  type TokenFacts,
} from "./RevocationList.js";
import { type RequestLike, toRequestContext } from "./requestContext.js";
import { callBinding, runGuard } from "./runGuard.js";
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
 * The runtime pieces the composition root chooses (`createAuth` passes Node's). The shared
 * (Redis) level is attached later, with {@link Auth.attachFleet}, once it has connected.
 *
 * @example
 * const runtime: AuthRuntime = { platform: nodePlatform, limits: resolveLimits(env, options) };
 */
export interface AuthRuntime {
  /** sha256 for cache keys and revocation events (Node's `crypto.hash`, or Web Crypto elsewhere). */
  platform: Platform;
  /** Upstream concurrency / queue bounds and how long revocations are remembered. */
  limits?: LimitSettings;
  /**
   * Builds the back-channel logout endpoint on first use; throws a ConfigurationError saying
   * what to set when this instance cannot check logout tokens.
   */
  backchannelLogout?: (auth: Auth) => BackchannelLogoutHandler;
}

/**
 * Answers one OpenID back-channel logout POST from its content type and raw body.
 *
 * @example
 * const handle: BackchannelLogoutHandler = (type, body) => auth.handleBackchannelLogout(type, body);
 */
export type BackchannelLogoutHandler = (
  contentType: string | undefined,
  body: string,
) => Promise<HttpAnswer>;

/** Logout tokens remembered in-process for their replay check (per instance, without Redis). */
const SEEN_ONCE_MAX = 10_000;

const NO_TOKEN = failed(null);

/** The call-style binding of this class's own methods: the user (or null), else a rejection. */
const requests = callBinding<RequestLike>(toRequestContext);
/** `authenticate`'s binding: `{ user, error }`, never a rejection for an auth outcome. */
const results = callBinding<RequestLike, AuthResult>(toRequestContext, {
  allow: (user, error) => ({ user, error }),
});

/** Stands in when no platform was passed: only `createAuth()` builds working instances. */
const missingPlatform: Platform = {
  sha256Key() {
    throw new ConfigurationError("Create Auth instances with createAuth().");
  },
  sha256Hex() {
    throw new ConfigurationError("Create Auth instances with createAuth().");
  },
};

/** A pending validation remembered on its request, with the cache key it was made for. */
interface Memo {
  readonly key: string;
  readonly pending: Promise<RequestAuthState>;
}

/** A watched WebSocket session: its token's facts and how to end it. */
interface Watcher {
  facts: TokenFacts;
  onEnd: (code: 4001 | 4003) => void;
  stop: () => void;
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
  /** @internal Auth switched off (`AUTH_PROVIDER=none`): the runner lets every guard through. */
  readonly disabled: boolean;
  /** @internal The guards behind this instance's own methods (and the call-style bindings). */
  readonly guards: {
    readonly attach: BoundGuard;
    readonly required: BoundGuard;
    readonly optional: BoundGuard;
  };
  private readonly pipeline: ValidationPipeline;
  /** Per-instance property key under which a request's pending validation is memoised (cheaper
   * than a WeakMap for short-lived requests; two instances never share a memo). */
  private readonly memoKey = Symbol("@org/auth-server.state");
  private readonly fallbackMemos = new WeakMap<object, Memo>();
  /** AUTH_PROVIDER=none: the one state every request gets. */
  private readonly anonymousState: RequestAuthState | null;
  /** Which cookie-authenticated unsafe requests may proceed (CSRF). */
  private readonly crossOrigin: CrossOriginPolicy;
  private fleetReady: Promise<void> = Promise.resolve();
  private fleetClose: (() => Promise<void>) | undefined;
  private readonly watchers = new Set<Watcher>();
  private readonly logoutFactory: ((auth: Auth) => BackchannelLogoutHandler) | undefined;
  private logoutHandler: BackchannelLogoutHandler | undefined;
  private seenOnce: LRUCache<string, true> | undefined;

  constructor(
    validator: TokenValidator,
    settings: AuthSettings,
    logger: AuthLogger = console,
    runtime: AuthRuntime = { platform: missingPlatform },
  ) {
    this.validator = validator;
    this.logger = logger;
    this.settings = Object.freeze({ ...settings });
    const limits = runtime.limits ?? DEFAULT_LIMITS;
    this.pipeline = new ValidationPipeline(validator, settings, runtime.platform, Date.now, limits);
    this.crossOrigin = new CrossOriginPolicy(settings.allowedOrigins ?? []);
    this.logoutFactory = runtime.backchannelLogout;
    const anonymous = validator.anonymous;
    this.disabled = anonymous !== undefined;
    this.anonymousState =
      anonymous === undefined
        ? null
        : new RequestAuthState(anonymous.user, null, "", "anonymous", anonymous, {
            header: () => undefined,
          });
    this.guards = {
      attach: bindGuard(this, attachGuard),
      required: bindGuard(this, requiredGuard),
      optional: bindGuard(this, optionalGuard),
    };
  }

  /**
   * Validates the request's token (at most once per request object) and never throws.
   *
   * @example
   * const { user, error } = await auth.authenticate(req);
   */
  async authenticate(request: RequestLike): Promise<AuthResult> {
    return runGuard(this.guards.attach, results, request, undefined, undefined);
  }

  /**
   * The authenticated user; throws 401 (missing/invalid token), 400 (malformed host), 502.
   *
   * @example
   * const user = await auth.getCurrentUser(req);
   */
  async getCurrentUser(request: RequestLike): Promise<User> {
    return (await runGuard(this.guards.required, requests, request, undefined, undefined)) as User;
  }

  /**
   * The user, or null when the token is missing/invalid; still throws 502 when upstream is down.
   *
   * @example
   * const user = await auth.getCurrentUserOptional(req);
   */
  async getCurrentUserOptional(request: RequestLike): Promise<User | null> {
    return runGuard(this.guards.optional, requests, request, undefined, undefined);
  }

  /**
   * A checker for one permission; the name is validated now (throws at route declaration).
   *
   * @example
   * const canAudit = auth.requirePermission("audit");
   * const user = await canAudit(req); // throws 401 / 403 / 502
   */
  requirePermission(name: string): (request: RequestLike) => Promise<User> {
    const bound = bindGuard(this, permissionGuard(this, name));
    return async (request) =>
      (await runGuard(bound, requests, request, undefined, undefined)) as User;
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
    const ttlMs = this.pipeline.revocationTtlMs(target);
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) {
      const event = await fleet.revoke(target, ttlMs);
      // The fleet delivered it with its own floor; remember it here as long as it matters.
      this.pipeline.apply(event, ttlMs);
      return;
    }
    const event = revocationEvent(target, Date.now(), (token) => this.pipeline.tokenHash(token));
    if (event === undefined) throw new ConfigurationError(REVOKE_HELP);
    this.pipeline.apply(event, ttlMs);
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
   * Answers an OpenID back-channel logout POST (the identity provider calling this app when a
   * session ends): 200 once the session named by the logout token is revoked (here and, with
   * Redis, fleet-wide), 400 for a missing, invalid, forged or replayed token (nothing revoked),
   * 503 when the revocation could not be recorded (the provider retries). Rejects with a
   * ConfigurationError when this instance cannot check logout tokens (see the README).
   *
   * @example
   * const { status, headers, body } = await auth.handleBackchannelLogout(
   *   req.headers["content-type"],
   *   rawBody,
   * );
   */
  async handleBackchannelLogout(
    contentType: string | undefined,
    body: string,
  ): Promise<HttpAnswer> {
    return this.backchannelLogout()(contentType, body);
  }

  /**
   * @internal The back-channel logout endpoint, built on first use (the route helpers call this
   * when the route is declared, so a configuration error stops start-up).
   */
  backchannelLogout(): BackchannelLogoutHandler {
    if (this.logoutHandler === undefined) {
      if (this.logoutFactory === undefined) {
        throw new ConfigurationError(
          "Back-channel logout is set up by createAuth(): create the instance with createAuth().",
        );
      }
      this.logoutHandler = this.logoutFactory(this);
    }
    return this.logoutHandler;
  }

  /**
   * @internal True the first time `id` is seen within `ttlMs` (a logout token's `iss` + `jti`):
   * fleet-wide with Redis (SET NX PX under its prefix), else in this process.
   */
  async firstSight(id: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) return fleet.firstSight(id, ttlMs);
    this.seenOnce ??= new LRUCache<string, true>({ max: SEEN_ONCE_MAX });
    if (this.seenOnce.has(id)) return false;
    this.seenOnce.set(id, true, { ttl: Math.max(1, ttlMs) });
    return true;
  }

  /** @internal Forgets `id` (see {@link firstSight}): what it guarded did not take effect. */
  async forgetSight(id: string): Promise<void> {
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) await fleet.forget(id);
    this.seenOnce?.delete(id);
  }

  /**
   * Resolves once the shared (Redis) level is attached and connected (at most a couple of seconds
   * when Redis does not answer), or at once without one. Requests never wait for it: until then,
   * and whenever Redis is down, each instance serves on its own. Await it before listening, so
   * that an instance started after a revocation refuses the revoked token from its first request.
   *
   * @example
   * await auth.ready(); // e.g. before a readiness probe answers
   */
  ready(): Promise<void> {
    return this.fleetReady;
  }

  /** @internal Attaches the shared level when it has connected (see `createAuth`). */
  attachFleet(pending: Promise<FleetLevel>): void {
    this.pipeline.expectFleet(pending);
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
    const watcher: Watcher = { facts, onEnd, stop: () => {} };
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

  private factsOfState(state: RequestAuthState): TokenFacts {
    const verification = state.verification ?? { user: state.user as User };
    return this.pipeline.factsOfVerification(state.token ?? "", verification);
  }

  /** Ends the watched sockets a revocation covers. */
  private endSessions(event: FleetEvent): void {
    if (event.type !== "revoke") return;
    for (const watcher of [...this.watchers]) {
      if (eventMatches(event, watcher.facts, this.revocations.toleranceMs)) {
        watcher.stop();
        watcher.onEnd(4003);
      }
    }
  }

  /**
   * @internal The request's state; sync on a cache hit. The cache is asked first: a hit costs a
   * hash and a lookup, less than reading a memo off the request (on Express 5 every request
   * object has its own hidden class, so each property read or write on it is a slow lookup).
   * Only on a miss is the request's memo consulted, and only if it was made for the same cache
   * key (a token swapped on the request is validated again): middleware and guards share one
   * upstream call even when the answer is not cached (a 502, a zero TTL).
   */
  stateFor(
    ctx: RequestContext,
    memo: object | undefined,
    sent?: string | null,
  ): RequestAuthState | Promise<RequestAuthState> {
    if (this.anonymousState !== null) return this.anonymousState;
    if (sent !== undefined) return sent === null ? NO_TOKEN : this.stateForToken(sent, ctx, memo);
    const authorization = ctx.header("authorization");
    if (authorization === undefined) return this.cookieState(ctx, memo);
    const token = parseAuthorization(authorization);
    if (token === MALFORMED) return failed(malformedAuthorization(ctx));
    return this.stateForToken(token, ctx, memo);
  }

  /**
   * A request without an Authorization header: the access cookie, which a browser also attaches
   * to cross-site requests, so an unsafe method must prove it comes from an allowed origin before
   * anything else happens (no cache lookup, no upstream call). The method is read off the
   * request object the memo lives on (every binding passes its framework's request there).
   */
  private cookieState(
    ctx: RequestContext,
    request: object | undefined,
  ): RequestAuthState | Promise<RequestAuthState> {
    const token = readCookieToken(ctx, this.settings.accessTokenCookieName);
    if (token === null) return NO_TOKEN;
    const method = (request as { method?: unknown } | undefined)?.method;
    if (!this.crossOrigin.allows(typeof method === "string" ? method : undefined, ctx)) {
      return failed(new CsrfRejectedError());
    }
    return this.stateForToken(token, ctx, request);
  }

  /** The cached outcome, else the request's memo made for this key, else a new upstream call. */
  private stateForToken(
    token: string,
    ctx: RequestContext,
    memo: object | undefined,
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
    if (memo === undefined) return this.verifyUpstream(key, token, ctx);
    const extensible = Object.isExtensible(memo);
    // The memo answers only for the token it validated: a header swapped after a first check (a
    // gateway rewriting it, a reused Headers object) must not inherit the first token's user.
    const known = this.memoOf(memo, extensible);
    if (known !== undefined && known.key === key) return known.pending;
    const pending = this.verifyUpstream(key, token, ctx);
    this.memoise(memo, extensible, { key, pending });
    return pending;
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

  /** The validator's answer as a state (single flight, caching, revocations: the pipeline). */
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
      ? (request as Record<symbol, Memo | undefined>)[this.memoKey]
      : this.fallbackMemos.get(request);
  }

  /** A symbol property where possible (cheaper than a WeakMap); frozen requests use the WeakMap. */
  private memoise(request: object, extensible: boolean, memo: Memo): void {
    if (extensible) (request as Record<symbol, Memo>)[this.memoKey] = memo;
    else this.fallbackMemos.set(request, memo);
  }
}

/** A JWT-shaped token's `exp` in epoch ms (for closing sockets on time), or undefined. */
function peekExpiry(token: string | null): number | undefined {
  const exp = token === null ? undefined : peekClaims(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
