import { resolveAuth } from "../config/defaultAuth.js";
import type { Auth } from "../kernel/Auth.js";
import { errorAnswer, type HttpAnswer } from "../kernel/errorAnswer.js";
import { AuthError } from "../kernel/errors.js";
import { attachGuard, type BoundGuard, bindGuard } from "../kernel/Guard.js";
import type { AuthLevelOptions } from "../kernel/guards/authLevelGuard.js";
import type { BindingSpec } from "../kernel/guards/bindingGuard.js";
import type { ClaimCheck } from "../kernel/guards/claimCheckGuard.js";
import type { ClaimValue } from "../kernel/guards/claimName.js";
import type { InternalOptions } from "../kernel/guards/internalGuard.js";
import { type Requirement, requirements } from "../kernel/guards/requirements.js";
import { checkMaxTokenAge } from "../kernel/guards/tokenAgeGuard.js";
import type { PermissionName } from "../kernel/permissionName.js";

/**
 * Options every helper accepts: an explicit instance, else the process-wide default (created
 * from the environment on first use).
 *
 * @example
 * const options: GuardOptions = { auth: createAuth({ cacheTtlSeconds: 10 }) };
 */
export interface GuardOptions {
  auth?: Auth;
  /**
   * Also refuse (401 invalid_token) tokens issued more than this many seconds ago: since
   * sign-in (`auth_time`), else since issue (`iat`); the clock tolerance applies. Tightens the
   * instance's `maxTokenAge`, never loosens it.
   */
  maxTokenAge?: number;
}

/**
 * The public helpers, declared once for every binding; `H` is the framework's handler type.
 * Names and options are validated and the instance resolved when the route is declared, so
 * configuration errors surface at start-up. Errors answer `{ error, message }` with the status
 * (401 missing/invalid token, 403 refused, 400 bad request, 502 upstream down) and
 * `WWW-Authenticate` where it applies.
 *
 * @example
 * const { getCurrentUser, requireRole }: GuardHelpers<ExpressHandler> = expressHelpers;
 */
export interface GuardHelpers<H, O extends GuardOptions = GuardOptions, L = H> {
  /**
   * Attaches the user (or null) and the reason there is none (an error code, or null when no
   * token was sent); never blocks, even when the auth service is down.
   */
  authMiddleware(options?: O): H;
  /** Requires an authenticated user: 401 (missing/invalid token), 502 (auth service down). */
  getCurrentUser(options?: O): H;
  /** Attaches the user, or null for a missing/invalid token; still 502 when the service is down. */
  getCurrentUserOptional(options?: O): H;
  /**
   * Requires a permission (`audit`, `reports:read`, `https://api.example.com/read`): 401 / 403 /
   * 502. Throws now if `name` is empty, longer than 128 characters or holds whitespace or control
   * characters (a literal such name does not compile).
   */
  requirePermission<N extends string>(name: PermissionName<N>, options?: O): H;
  /** Requires a role (Keycloak realm/client roles, `roles`, `groups`…): 401 / 403 / 502. */
  requireRole(role: string, options?: O): H;
  /** Requires at least one of the roles: 401 / 403 / 502. */
  requireAnyRole(roles: readonly string[], options?: O): H;
  /** Requires every listed OAuth scope (`scope` / `scp`): 401 / 403 / 502. */
  requireScope(scopes: string | readonly string[], options?: O): H;
  /** Internal endpoints: app-only (client credentials) tokens from allow-listed clients only. */
  requireInternal(options: InternalOptions & O): H;
  /**
   * Requires a sign-in strong and recent enough (RFC 9470 step-up): the token's `acr` among
   * `acr`, its `auth_time` at most `maxAge` seconds ago; else 401 `insufficient_user_authentication`
   * with `acr_values` / `max_age` in the challenge and the body.
   */
  requireAuthLevel(level: AuthLevelOptions, options?: O): H;
  /**
   * Checks the request's app / workspace / user id (route parameter; a header only when opted
   * in) against the token: 400 when missing, 403 when bound elsewhere, 500 when the route does
   * not declare the parameter (mount it on the route, not globally).
   */
  requireBinding(spec: BindingSpec, options?: O): H;
  /**
   * Requires a claim (name, or dotted path such as `org.id`) equal to `value`: 401 / 403
   * `insufficient_claims` / 502. In proxy mode the claims are the get-me answer's fields.
   */
  claimEquals(name: string, value: ClaimValue, options?: O): H;
  /**
   * Requires a claim (an array, or a space-separated string) holding every value: 401 / 403
   * `insufficient_claims` / 502. Options, if any, come last.
   */
  claimIncludes(name: string, ...values: ClaimValue[] | [...ClaimValue[], O]): H;
  /**
   * Requires `check(claims, user)` to return true: 401 / 403 `insufficient_claims` (the message
   * quotes `description`) / 502. A check that throws answers 500.
   */
  claimCheck(check: ClaimCheck, description: string, options?: O): H;
  /**
   * The OpenID back-channel logout endpoint, as a POST route handler: reads the form body (at
   * most 16 KiB, else 413), checks the logout token (signature, issuer, audience, replay) and
   * revokes the session it names, here and fleet-wide with Redis. Answers 200, 400 (nothing
   * revoked) or 503 (the provider retries). Needs local JWT validation and the logout audience
   * (`AUTH_BACKCHANNEL_LOGOUT_AUDIENCE`); throws a ConfigurationError now when they are missing.
   */
  backchannelLogout(options?: O): L;
  /**
   * The protected resource metadata document (RFC 9728) as a GET route handler: mount it at
   * `resourceMetadataPath(resource)` (`/.well-known/oauth-protected-resource`, plus the
   * resource's path when it has one). Throws a ConfigurationError now when `AUTH_RESOURCE` is unset.
   */
  protectedResourceMetadata(options?: O): L;
}

/**
 * How a binding serves a route of the SDK's own (the POST logout endpoint, the GET metadata): it
 * hands `answer` the request's content type and a reader of its raw body (read only when asked),
 * then sends what `answer` resolves to. `L` is the framework's route handler.
 *
 * @example
 * const route: RouteFactory<ExpressHandler> = (answer) => (req, res, next) => {
 *   answer(req.headers["content-type"], () => readLogoutBody(req, req.body)).then(
 *     (reply) => sendAnswer(res, reply),
 *     next,
 *   );
 * };
 */
export type RouteFactory<L> = (
  answer: (contentType: string | undefined, body: () => Promise<string>) => Promise<HttpAnswer>,
) => L;

/**
 * Builds a binding's helpers from how it wraps a bound guard into its framework's handler and
 * how it serves a POST route (see {@link RouteFactory}).
 *
 * @example
 * const helpers = defineHelpers(
 *   (bound) => (req, res, next) => runGuard(bound, express, req, res, next),
 *   route,
 * );
 */
export function defineHelpers<H, O extends GuardOptions = GuardOptions, L = H>(
  wrap: (bound: BoundGuard) => H,
  route: RouteFactory<L>,
): GuardHelpers<H, O, L> {
  // One line per guard: the requirement (its arguments checked now) on the resolved instance.
  const make = (options: GuardOptions | undefined, requirement: Requirement) => {
    const auth = resolveAuth(options);
    const maxAge = checkMaxTokenAge(options?.maxTokenAge, "maxTokenAge");
    return wrap(bindGuard(auth, requirement.guard(auth), requirement.usesParams, maxAge));
  };
  return {
    authMiddleware: (options) => {
      const auth = resolveAuth(options);
      const maxAge = checkMaxTokenAge(options?.maxTokenAge, "maxTokenAge");
      return wrap(bindGuard(auth, attachGuard, false, maxAge));
    },
    getCurrentUser: (options) => make(options, requirements.user()),
    getCurrentUserOptional: (options) => make(options, requirements.optionalUser()),
    requirePermission: (name, options) => make(options, requirements.permission(name as string)),
    requireRole: (role, options) => make(options, requirements.role(role)),
    requireAnyRole: (roles, options) => make(options, requirements.anyRole(roles)),
    requireScope: (scopes, options) => make(options, requirements.scope(scopes)),
    requireInternal: (options) => make(options, requirements.internal(options)),
    requireAuthLevel: (level, options) => make(options, requirements.authLevel(level)),
    requireBinding: (spec, options) => make(options, requirements.binding(spec)),
    claimEquals: (name, value, options) => make(options, requirements.claimEquals(name, value)),
    claimIncludes: (name, ...rest) => {
      const last = rest.at(-1);
      const hasOptions = typeof last === "object" && last !== null;
      const values = (hasOptions ? rest.slice(0, -1) : rest) as ClaimValue[];
      const options = hasOptions ? (last as O) : undefined;
      return make(options, requirements.claimIncludes(name, ...values));
    },
    claimCheck: (check, description, options) =>
      make(options, requirements.claimCheck(check, description)),
    backchannelLogout: (options) => {
      // Built now, so a missing issuer, key set or audience stops start-up, not the first call.
      const handle = resolveAuth(options).backchannelLogout();
      return route(async (contentType, body) => {
        let text: string;
        try {
          text = await body();
        } catch (error) {
          if (error instanceof AuthError) return errorAnswer(error);
          throw error;
        }
        return handle(contentType, text);
      });
    },
    protectedResourceMetadata: (options) => {
      // Built now, so a missing resource stops start-up; the document never changes.
      const { status, headers, body } = resolveAuth(options).protectedResourceMetadata();
      return route(async () => ({ status, headers: { ...headers }, body }));
    },
  };
}
