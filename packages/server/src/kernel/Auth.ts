import { type AuthHealth, assessHealth } from "./AuthHealth.js";
import { DpopGate, type DpopProofChecker } from "./DpopGate.js";
import type { HttpAnswer } from "./errorAnswer.js";
import { type AuthError, ConfigurationError } from "./errors.js";
import type { FleetLevel } from "./FleetLevel.js";
import {
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
import { checkMaxTokenAge } from "./guards/tokenAgeGuard.js";
import type { Platform } from "./platform.js";
import {
  type ProtectedResourceSettings,
  protectedResourceMetadata,
  resourceMetadataUrl,
} from "./protectedResourceMetadata.js";
import { ReplayMemory } from "./ReplayMemory.js";
import type { RequestAuthState } from "./RequestAuthState.js";
import { RequestStateResolver } from "./RequestStateResolver.js";
import type { RevocationList } from "./RevocationList.js";
import { type RequestLike, toRequestContext } from "./requestContext.js";
import { callBinding, runGuard } from "./runGuard.js";
import { SocketWatchers } from "./SocketWatchers.js";
import {
  type AuthLogger,
  type AuthSettings,
  DEFAULT_LIMITS,
  type LimitSettings,
} from "./settings.js";
import { NO_TELEMETRY, type Telemetry } from "./Telemetry.js";
import type { TokenFacts } from "./TokenFacts.js";
import type { RequestContext, TokenValidator } from "./types.js";
import type { User } from "./user.js";
import { ValidationPipeline } from "./ValidationPipeline.js";
import { withResourceMetadata } from "./withResourceMetadata.js";

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
 * const runtime: AuthRuntime = { platform: nodePlatform, limits: readSettings(env, options).limits };
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
  /** Where metrics and spans go (`createAuth`'s `telemetry` option); default: nowhere. */
  telemetry?: Telemetry;
  /** This API as an OAuth protected resource (RFC 9728), when `AUTH_RESOURCE` is set. */
  protectedResource?: ProtectedResourceSettings;
  /** Builds the DPoP proof checker (`dpop/`); without one, `DPoP` tokens are refused. */
  dpop?: (auth: Auth) => DpopProofChecker;
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

/**
 * One configured SDK instance: settings read once, one validator, one cache. Create it with
 * `createAuth()`; the framework bindings use a process-wide default when none is given. It is
 * the public face over the kernel's parts: the request-state resolver, the validation pipeline
 * (caches, single flight, revocations), the WebSocket watchers and the replay memory.
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
  /** @internal Metrics and spans (OpenTelemetry when configured, else nothing). */
  readonly telemetry: Telemetry;
  /** @internal Auth switched off (`AUTH_PROVIDER=none`): the runner lets every guard through. */
  readonly disabled: boolean;
  /** @internal Seconds of clock difference allowed (the validator's, else `AUTH_CLOCK_SKEW`). */
  readonly clockToleranceSeconds: number;
  /** @internal `AUTH_MAX_TOKEN_AGE` / `maxTokenAge`: the oldest token (since sign-in) accepted. */
  readonly maxTokenAge: number | undefined;
  /** @internal The guards behind this instance's own methods (and the call-style bindings). */
  readonly guards: {
    readonly attach: BoundGuard;
    readonly required: BoundGuard;
    readonly optional: BoundGuard;
  };
  private readonly pipeline: ValidationPipeline;
  private readonly states: RequestStateResolver;
  private readonly sockets = new SocketWatchers();
  private readonly replays = new ReplayMemory();
  private fleetReady: Promise<void> = Promise.resolve();
  private fleetConfigured = false;
  private readonly redisFailOpen: boolean;
  private fleetClose: (() => Promise<void>) | undefined;
  private readonly logoutFactory: ((auth: Auth) => BackchannelLogoutHandler) | undefined;
  private logoutHandler: BackchannelLogoutHandler | undefined;
  /** @internal This API as a protected resource, and where its metadata is (challenges name it). */
  readonly protectedResource: ProtectedResourceSettings | undefined;
  private readonly metadataUrl: string | undefined;

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
    this.telemetry = runtime.telemetry ?? NO_TELEMETRY;
    this.redisFailOpen = limits.redisFailOpen ?? DEFAULT_LIMITS.redisFailOpen;
    this.pipeline = new ValidationPipeline(
      validator,
      settings,
      runtime.platform,
      Date.now,
      limits,
      this.telemetry,
    );
    validator.useTelemetry?.(this.telemetry);
    this.telemetry.observe({
      limiter: () => this.pipeline.limiterLoad,
      redis: () => this.pipeline.fleetLevel?.linkState(),
    });
    const dpop = new DpopGate(settings.dpop ?? "allowed", runtime.dpop?.(this));
    this.states = new RequestStateResolver(validator, this.settings, this.pipeline, dpop);
    this.logoutFactory = runtime.backchannelLogout;
    this.protectedResource = runtime.protectedResource;
    this.metadataUrl =
      runtime.protectedResource === undefined
        ? undefined
        : resourceMetadataUrl(runtime.protectedResource.resource);
    this.disabled = validator.anonymous !== undefined;
    this.clockToleranceSeconds = validator.clockToleranceSeconds ?? limits.clockToleranceSeconds;
    this.maxTokenAge = checkMaxTokenAge(settings.maxTokenAge, "maxTokenAge (AUTH_MAX_TOKEN_AGE)");
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
   * Revokes tokens (see {@link RevocationTarget}: one token however it is spelled, a subject's,
   * a user's or a session's tokens issued up to now, a token id): refused here at once and,
   * with Redis configured, on every instance (also those that start later), for as long as the
   * tokens it covers can live. Rejects when Redis could not be told (it is still applied here):
   * retry then.
   *
   * @example
   * await auth.revoke({ sid: "3f9c…" }); // also { token }, { sub }, { userId }, { jti }
   */
  async revoke(target: RevocationTarget): Promise<void> {
    await this.ready();
    const ttlMs = this.pipeline.revocationTtlMs(target);
    const fleet = this.pipeline.fleetLevel;
    if (fleet !== undefined) {
      const event = await fleet.revoke(target, ttlMs);
      // The fleet delivered it (cached answers dropped) with its own floor: only the memory of it
      // must last as long as the tokens it covers.
      this.revocations.apply(event, ttlMs);
      return;
    }
    const event = revocationEvent(target, Date.now(), (token) => this.pipeline.tokenHash(token));
    if (event === undefined) throw new ConfigurationError(REVOKE_HELP);
    this.pipeline.apply(event, ttlMs);
    this.sockets.revoked(event, this.revocations.toleranceMs);
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
   * session ends): 200 once what the logout token names is revoked (here and, with Redis,
   * fleet-wide), 400 for a missing, invalid, forged or replayed token (nothing revoked), 503 when
   * the revocation could not be recorded (the provider retries). Rejects with a
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
   * @internal The protected resource metadata document (RFC 9728) as an answer; throws a
   * ConfigurationError when no resource is configured (the route helpers call this when the
   * route is declared).
   */
  protectedResourceMetadata(): HttpAnswer {
    if (this.protectedResource === undefined) {
      throw new ConfigurationError(
        "protectedResourceMetadata() needs this API's resource identifier: set AUTH_RESOURCE (e.g. https://mcp.example.com/mcp) and AUTH_AUTHORIZATION_SERVERS, or createAuth({ resource, authorizationServers }).",
      );
    }
    return protectedResourceMetadata(this.protectedResource);
  }

  /** @internal The refusal as answered: with `resource_metadata` when a resource is configured. */
  challenge(error: AuthError): AuthError {
    return this.metadataUrl === undefined ? error : withResourceMetadata(error, this.metadataUrl);
  }

  /**
   * @internal True the first time `id` is seen within `ttlMs` (a logout token's `iss` + `jti`):
   * fleet-wide with Redis (SET NX PX under its prefix), else in this process.
   */
  async firstSight(id: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    return this.replays.firstSight(id, ttlMs, this.pipeline.fleetLevel);
  }

  /** @internal Forgets `id` (see {@link firstSight}): what it guarded did not take effect. */
  async forgetSight(id: string): Promise<void> {
    await this.replays.forget(id, this.pipeline.fleetLevel);
  }

  /**
   * Resolves once the shared (Redis) level is attached and connected (at most a couple of seconds
   * when Redis does not answer), or at once without one. Requests wait for it at most that long
   * (a token is never accepted before its revocation could be checked); await it before
   * listening, so that an instance started after a revocation refuses the revoked token from its
   * first request.
   *
   * @example
   * await auth.ready(); // e.g. before a readiness probe answers
   */
  ready(): Promise<void> {
    return this.fleetReady;
  }

  /**
   * This instance's health for a readiness probe, from what it has seen (no upstream call): the
   * validator's last upstream answer, the Redis link, the upstream limiter. `ready` is false
   * when a check is `failing`.
   *
   * @example
   * app.get("/readyz", async (_req, res) => {
   *   const health = await auth.health();
   *   res.status(health.ready ? 200 : 503).json(health);
   * });
   */
  async health(): Promise<AuthHealth> {
    const fleet = this.pipeline.fleetLevel;
    return assessHealth({
      disabled: this.disabled,
      upstream: this.pipeline.upstreamHealth,
      redis:
        fleet !== undefined ? fleet.linkState() : this.fleetConfigured ? "connecting" : undefined,
      redisFailOpen: this.redisFailOpen,
      limiter: this.pipeline.limiterLoad,
    });
  }

  /** @internal Attaches the shared level when it has connected (see `createAuth`). */
  attachFleet(pending: Promise<FleetLevel>): void {
    this.fleetConfigured = true;
    this.pipeline.expectFleet(pending);
    this.fleetReady = pending.then((fleet) => {
      this.pipeline.attachFleet(fleet);
      fleet.onEvent((event) => this.sockets.revoked(event, this.revocations.toleranceMs));
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
    return this.sockets.watch(state, this.factsOf(state), onEnd);
  }

  /**
   * Releases upstream resources (the proxy's keep-alive pool, the Redis connections).
   *
   * @example
   * process.on("SIGTERM", () => void auth.close());
   */
  async close(): Promise<void> {
    await this.fleetReady.catch(() => {});
    this.sockets.stopAll();
    await this.fleetClose?.();
    await this.validator.close?.();
  }

  /** @internal The request's state; sync on a cache hit (see RequestStateResolver). */
  stateFor(
    ctx: RequestContext,
    memo: object | undefined,
    sent?: string | null,
  ): RequestAuthState | Promise<RequestAuthState> {
    return this.states.stateFor(ctx, memo, sent);
  }

  /** @internal Checks one permission for a resolved state; sync on a cache hit. Throws AuthError. */
  checkPermission(state: RequestAuthState, name: string): User | Promise<User> {
    return this.states.checkPermission(state, name);
  }

  private factsOf(state: RequestAuthState): TokenFacts {
    const token = state.token ?? "";
    const cached = this.pipeline.factsFor(state.key, token);
    if (cached !== undefined) return cached;
    const verification = state.verification ?? { user: state.user as User };
    return this.pipeline.factsOfVerification(token, verification);
  }
}
