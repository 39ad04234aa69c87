import type { Telemetry } from "./Telemetry.js";
import type { User } from "./user.js";

/**
 * What a validator sees of the incoming request. Bindings adapt their framework's request to it;
 * header names are lower-case.
 *
 * @example
 * const ctx: RequestContext = {
 *   header: (name) => (name === "authorization" ? `Bearer ${token}` : undefined),
 * };
 * const user = await auth.getCurrentUser(ctx);
 */
export interface RequestContext {
  /** The header's value (duplicates joined), or undefined; `name` is lower-case. */
  header(name: string): string | undefined;
}

/**
 * The outcome of validating one token.
 *
 * @example
 * const verification: Verification = { user, expiresAt: claims.exp * 1000 };
 */
export interface Verification {
  user: User;
  /** Epoch milliseconds after which the result must not be served from cache (e.g. JWT `exp`). */
  expiresAt?: number;
}

/**
 * One way of validating tokens (the proxy, local JWT, a custom adapter). The core wraps every
 * validator in the same cache, negative cache and single flight, so validators stay stateless
 * about caching.
 *
 * Validators throw `AuthError`s: `invalid_token` (401) when the token is bad, `upstream_error`
 * (502) when they cannot tell (provider down). Any other thrown value is treated as upstream error.
 *
 * @example
 * const auth = createAuth({ validator: createJwtValidator({ issuer, audience: "orders-api" }) });
 */
export interface TokenValidator {
  /** Short name, e.g. "proxy", "jwt", "keycloak"; copied to `User.provider`. */
  readonly name: string;
  /**
   * Everything that decides this validator's answers besides the token and the request (e.g.
   * issuer, audiences, algorithms, claim mapping, permission sources). It is part of every cache
   * key, and only validators that declare it share answers with other instances through Redis:
   * two APIs on one Redis never serve each other's answers. Revocations are shared either way.
   */
  readonly identity?: string;
  /** Clock tolerance (seconds) of its time checks; revocations by subject or session use it. */
  readonly clockToleranceSeconds?: number;
  /** The longest token lifetime (seconds) it accepts; revocations are remembered that long. */
  readonly maxTokenLifetimeSeconds?: number;
  /** The resource identifier (RFC 8707) its tokens must name in `aud`, when it checks one. */
  readonly resource?: string | undefined;
  /**
   * Partition for cache keys, derived from the request (proxy mode: the proxy base URL), so a
   * token vouched for by one upstream is never served for another. May throw an AuthError
   * (e.g. a Host that is not allowed) before any outbound call.
   */
  scope?(ctx: RequestContext): string;
  /** Validates a token: resolves the principal or throws an AuthError (401 / 502). */
  verify(token: string, ctx: RequestContext): Promise<Verification>;
  /** Whether the verified principal holds `permission`. */
  hasPermission(
    token: string,
    verification: Verification,
    permission: string,
    ctx: RequestContext,
  ): Promise<boolean>;
  /** Releases connections / timers (called by `auth.close()`). */
  close?(): Promise<void>;
  /**
   * Receives the instance's telemetry (to report its outbound calls); `Auth` calls it once.
   *
   * @internal
   */
  useTelemetry?(telemetry: Telemetry): void;
  /**
   * Set only by `AUTH_PROVIDER=none`: every request resolves to this (anonymous) principal,
   * with or without a token.
   */
  readonly anonymous?: Verification;
}
