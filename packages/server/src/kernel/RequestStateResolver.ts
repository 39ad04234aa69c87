import { CrossOriginPolicy } from "./CrossOriginPolicy.js";
import type { DpopGate } from "./DpopGate.js";
import { AuthError, CsrfRejectedError, PermissionDeniedError } from "./errors.js";
import {
  isDpopScheme,
  isWellFormedToken,
  MALFORMED,
  malformedAuthorization,
  malformedToken,
  parseAuthorization,
  readCookieToken,
} from "./extractBearerToken.js";
import { failed, RequestAuthState, requireUser } from "./RequestAuthState.js";
import type { AuthSettings } from "./settings.js";
import { toAuthError } from "./toAuthError.js";
import type { RequestContext, TokenValidator, Verification } from "./types.js";
import type { User } from "./user.js";
import type { ValidationPipeline } from "./ValidationPipeline.js";

/** A pending validation remembered on its request, with the cache key it was made for. */
interface Memo {
  readonly key: string;
  readonly pending: Promise<Verification>;
}

const NO_TOKEN = failed(null);

/**
 * Turns a request into its auth state: which token it carries (header, else cookie, with the
 * CSRF check), the cached outcome, else the request's memo, else one upstream validation.
 *
 * @example
 * const state = await resolver.stateFor(ctx, req);
 * const user = await resolver.checkPermission(state, "audit");
 */
export class RequestStateResolver {
  /** Per-instance property key under which a request's pending validation is memoised (cheaper
   * than a WeakMap for short-lived requests; two instances never share a memo). */
  private readonly memoKey = Symbol("@org/auth-server.state");
  private readonly fallbackMemos = new WeakMap<object, Memo>();
  /** Which cookie-authenticated unsafe requests may proceed (CSRF). */
  private readonly crossOrigin: CrossOriginPolicy;
  /** AUTH_PROVIDER=none: the one state every request gets. */
  private readonly anonymousState: RequestAuthState | null;

  constructor(
    private readonly validator: TokenValidator,
    private readonly settings: Readonly<AuthSettings>,
    private readonly pipeline: ValidationPipeline,
    private readonly dpop: DpopGate,
  ) {
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
   * The request's state; sync on a cache hit. The cache is asked first: a hit costs a hash and
   * a lookup, less than reading a memo off the request (on Express 5 every request object has
   * its own hidden class, so each property read or write on it is a slow lookup). Only on a miss
   * is the request's memo consulted, and only if it was made for the same cache key (a token
   * swapped on the request is validated again): middleware and guards share one upstream call
   * even when the answer is not cached (a 502, a zero TTL).
   */
  stateFor(
    ctx: RequestContext,
    memo: object | undefined,
    sent?: string | null,
  ): RequestAuthState | Promise<RequestAuthState> {
    if (this.anonymousState !== null) return this.anonymousState;
    if (sent !== undefined) {
      if (sent === null) return NO_TOKEN;
      // A token handed over by a binding (WebSocket upgrades) is DPoP when a proof came with it.
      const dpop = ctx.header("dpop") !== undefined;
      return this.stateForToken(sent, ctx, memo, dpop);
    }
    const authorization = ctx.header("authorization");
    if (authorization === undefined) return this.cookieState(ctx, memo);
    const token = parseAuthorization(authorization);
    if (token === MALFORMED) return failed(malformedAuthorization(ctx));
    return this.stateForToken(token, ctx, memo, isDpopScheme(authorization));
  }

  /** Checks one permission for a resolved state; sync on a cache hit. Throws AuthError. */
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

  /**
   * A request without an Authorization header: the access cookie, which a browser also attaches
   * to cross-site requests, so an unsafe method must prove it comes from an allowed origin before
   * anything else happens (no cache lookup, no upstream call). The method is read off the
   * request object the memo lives on (every binding passes its framework's request there).
   * A cookie never carries a DPoP token.
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
    return this.stateForToken(token, ctx, request, false);
  }

  /**
   * The cached outcome, else the request's memo made for this key, else a new upstream call;
   * then the DPoP rules (`dpop`: the token came as DPoP), checked on every request.
   */
  private stateForToken(
    token: string,
    ctx: RequestContext,
    memo: object | undefined,
    dpop: boolean,
  ): RequestAuthState | Promise<RequestAuthState> {
    let scope: string;
    try {
      scope = this.validator.scope === undefined ? "" : this.validator.scope(ctx);
    } catch (error) {
      return this.dpop.admit(failed(toAuthError(error)), dpop, memo);
    }
    const key = this.pipeline.keyFor(scope, token);
    const cached = this.pipeline.lookup(key);
    if (cached !== undefined) {
      if (cached instanceof AuthError) return this.dpop.admit(failed(cached), dpop, memo);
      return this.dpop.admit(
        new RequestAuthState(cached.user, null, token, key, cached, ctx),
        dpop,
        memo,
      );
    }
    // Only well-formed tokens are ever sent upstream (and so can ever be cached).
    if (!isWellFormedToken(token)) return this.dpop.admit(failed(malformedToken(ctx)), dpop, memo);
    return this.verifyAndAdmit(key, token, ctx, memo, dpop);
  }

  /**
   * A miss: one reaction turns the pipeline's answer into the request's state and applies the
   * DPoP rules. Its own method, so that the closures' context is allocated on a miss only, never
   * on the cache hit that `stateForToken` answers first.
   */
  private verifyAndAdmit(
    key: string,
    token: string,
    ctx: RequestContext,
    memo: object | undefined,
    dpop: boolean,
  ): Promise<RequestAuthState> {
    const admit = (verification: Verification) =>
      this.dpop.admit(
        new RequestAuthState(verification.user, null, token, key, verification, ctx),
        dpop,
        memo,
      );
    const refuse = (error: AuthError) => this.dpop.admit(failed(error), dpop, memo);
    return this.pendingFor(key, token, ctx, memo).then(admit, refuse);
  }

  /**
   * The pipeline's answer for this key (single flight, caching, revocations), shared by the
   * middleware and guards of one request through its memo. The memo answers only for the token
   * it validated: a header swapped after a first check (a gateway rewriting it, a reused Headers
   * object) must not inherit the first token's user.
   */
  private pendingFor(
    key: string,
    token: string,
    ctx: RequestContext,
    memo: object | undefined,
  ): Promise<Verification> {
    if (memo === undefined) return this.pipeline.verify(key, token, ctx);
    const extensible = Object.isExtensible(memo);
    const known = this.memoOf(memo, extensible);
    if (known !== undefined && known.key === key) return known.pending;
    const pending = this.pipeline.verify(key, token, ctx);
    this.memoise(memo, extensible, { key, pending });
    return pending;
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
