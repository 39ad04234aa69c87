import { createPlainTransport, createTransport } from "#platform";
import { checkAudience } from "../../kernel/checkAudience.js";
import { checkResource } from "../../kernel/checkResource.js";
import { tagReason } from "../../kernel/decisionReason.js";
import { ConfigurationError, invalidToken } from "../../kernel/errors.js";
import type { HttpTransport } from "../../kernel/HttpTransport.js";
import { checkHttpUrl } from "../../kernel/httpUrl.js";
import type { AuthLogger } from "../../kernel/settings.js";
import type { RequestContext, TokenValidator, Verification } from "../../kernel/types.js";
import type { User } from "../../kernel/user.js";
import {
  type ClientAuthentication,
  createClientAuthentication,
  type IntrospectionClientCredentials,
} from "./createClientAuthentication.js";
import { discoverIntrospectionUrl } from "./discoverIntrospectionUrl.js";
import { MalformedAnswer, parseIntrospectionAnswer } from "./parseIntrospectionAnswer.js";
import {
  type IntrospectionCall,
  postIntrospection,
  upstreamIntrospection,
} from "./postIntrospection.js";

/**
 * How an active answer's members become a `User` and grant permissions: the JWT mode's claim
 * mapping, handed in by the configuration so both modes make the same users.
 *
 * @example
 * const mapper: ClaimMapper = { identity: "sub", toUser: (claims) => makeUser({ id: String(claims.sub) }), grants: () => false };
 */
export interface ClaimMapper {
  /** Everything that decides the mapping (part of the validator's identity). */
  readonly identity: string;
  toUser(claims: Readonly<Record<string, unknown>>, provider: string): User;
  grants(user: User, permission: string): boolean;
}

/**
 * Options of {@link IntrospectionValidator}. `audience` is required: pass `false` to switch the
 * check off explicitly (not recommended).
 *
 * @example
 * const options: IntrospectionValidatorOptions = {
 *   url: "https://id.example.com/oauth2/introspect",
 *   audience: "orders-api",
 *   client: { clientId: "orders-api", clientSecret: process.env.AUTH_CLIENT_SECRET },
 *   claims: mapper,
 * };
 */
export interface IntrospectionValidatorOptions {
  /** The introspection endpoint; default: `introspection_endpoint` from the issuer's discovery. */
  url?: string;
  /** The authorization server's issuer: discovery, the assertion's `aud`, and `iss` when answered. */
  issuer?: string | false;
  /** Accepted `aud` values (any one suffices). */
  audience: string | readonly string[] | false;
  /**
   * This API's resource identifier (RFC 8707, `AUTH_RESOURCE`): every answer's `aud` must name
   * it, whatever `audience` says; an answer without `aud` is refused.
   */
  resource?: string;
  /** This API's client registration (the endpoint requires client authentication). */
  client: IntrospectionClientCredentials;
  claims: ClaimMapper;
  /** Scopes every token must carry (all of them). */
  requiredScopes?: readonly string[];
  /** Clock tolerance for `exp` / `nbf`, seconds (default 60). */
  clockToleranceSeconds?: number;
  /** The longest token lifetime accepted, seconds (default 86400), as in JWT mode. */
  maxTokenLifetimeSeconds?: number;
  /** Longer tokens are refused before any call (default 16384). */
  maxTokenBytes?: number;
  /** Whole-request deadline per introspection call, seconds (default 5). */
  timeoutSeconds?: number;
  /** Largest accepted answer (default 64 KiB). */
  maxResponseBytes?: number;
  /** Name copied to `User.provider` (default "introspection"). */
  provider?: string;
  /** An undici dispatcher (Node with undici only), as for the proxy client. */
  dispatcher?: unknown;
  logger?: AuthLogger;
}

const DEFAULTS = {
  clockToleranceSeconds: 60,
  maxTokenLifetimeSeconds: 86_400,
  maxTokenBytes: 16_384,
  timeoutSeconds: 5,
  maxResponseBytes: 64 * 1024,
  retryAfterSeconds: 5,
};

/** `token_type` / `typ` values of tokens that are not access tokens. */
const NOT_ACCESS_TOKENS = new Set([
  "refresh_token",
  "refresh",
  "id",
  "id_token",
  "logout",
  "offline",
]);

/**
 * Validates opaque (reference) tokens by asking the authorization server (RFC 7662
 * introspection) with this API's client credentials: `active: false` is 401, an outage or a
 * malformed answer 502, never a pass. Checks `aud`, `iss` (when answered), `exp` / `nbf`, the
 * token's lifetime and required scopes as JWT mode does, and maps the answer's members to the
 * same `User`. The core adds the cache (at most until `exp`), single flight and the Redis level.
 *
 * @example
 * const auth = createAuth({ validator: new IntrospectionValidator(options) });
 */
export class IntrospectionValidator implements TokenValidator {
  readonly name: string;
  readonly identity: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  /** The resource every answer must name in `aud` (see {@link IntrospectionValidatorOptions.resource}). */
  readonly resource: string | undefined;
  readonly #options: IntrospectionValidatorOptions;
  readonly #issuer: string | undefined;
  readonly #audiences: ReadonlySet<string> | undefined;
  readonly #maxTokenBytes: number;
  readonly #authenticate: ClientAuthentication;
  readonly #call: IntrospectionCall;
  #url: Promise<string> | undefined;
  #plain: HttpTransport | undefined;

  constructor(options: IntrospectionValidatorOptions) {
    this.#options = options;
    this.name = options.provider ?? "introspection";
    this.#issuer = options.issuer === false ? undefined : options.issuer;
    if (this.#issuer !== undefined)
      checkHttpUrl(this.#issuer, "issuer (AUTH_ISSUER / OIDC_ISSUER)");
    if (options.url !== undefined) {
      checkHttpUrl(options.url, "url (AUTH_INTROSPECTION_URL)");
      this.#url = Promise.resolve(options.url);
    } else if (this.#issuer === undefined) {
      throw new ConfigurationError(
        "Introspection needs the endpoint: set AUTH_INTROSPECTION_URL, or AUTH_ISSUER to find it by discovery.",
      );
    }
    warnPlainHttp(options.url ?? this.#issuer!, options.logger ?? console);
    this.#audiences = checkAudience(options.audience);
    this.resource = checkResource(options.resource);
    const limits = checkLimits(options);
    this.clockToleranceSeconds = limits.clockToleranceSeconds;
    this.maxTokenLifetimeSeconds = limits.maxTokenLifetimeSeconds;
    this.#maxTokenBytes = limits.maxTokenBytes;
    this.#authenticate = createClientAuthentication(options.client);
    this.#call = {
      // The proxy client's pool: undici's keep-alive pool on Node once loaded, fetch elsewhere.
      transport: createTransport({ timeoutMs: limits.timeoutMs, dispatcher: options.dispatcher }),
      timeoutMs: limits.timeoutMs,
      maxResponseBytes: limits.maxResponseBytes,
      retryAfterSeconds: DEFAULTS.retryAfterSeconds,
    };
    this.identity = JSON.stringify({
      url: options.url ?? null,
      issuer: this.#issuer ?? null,
      clientId: options.client.clientId,
      audiences: this.#audiences === undefined ? null : [...this.#audiences].sort(),
      // An answer accepted for one resource must never serve another (cache and Redis keys).
      resource: this.resource ?? null,
      requiredScopes: [...(options.requiredScopes ?? [])].sort(),
      maxTokenBytes: this.#maxTokenBytes,
      maxTokenLifetime: this.maxTokenLifetimeSeconds,
      mapping: options.claims.identity,
    });
  }

  /** Asks the authorization server; 401 when inactive or unacceptable, 502 when it cannot tell. */
  async verify(token: string, _ctx?: RequestContext): Promise<Verification> {
    if (token.length > this.#maxTokenBytes) {
      throw invalidToken(`token is longer than ${this.#maxTokenBytes} bytes`);
    }
    const url = await this.#endpoint();
    const auth = await this.#authenticate(this.#issuer ?? url);
    const text = await postIntrospection(url, token, auth, this.#call);
    let answer: ReturnType<typeof parseIntrospectionAnswer>;
    try {
      answer = parseIntrospectionAnswer(text);
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error;
      throw upstreamIntrospection(url, `the answer is malformed: ${error.message}`);
    }
    if (!answer.active) {
      throw invalidToken(
        "the authorization server says the token is not active (expired, revoked or unknown)",
      );
    }
    return this.#accept(answer.claims);
  }

  /** Whether the mapped permission sources grant `permission` (no further call). */
  async hasPermission(
    _token: string,
    verification: Verification,
    permission: string,
  ): Promise<boolean> {
    return this.#options.claims.grants(verification.user, permission);
  }

  /** Closes the connections to the authorization server (called by `auth.close()`). */
  async close(): Promise<void> {
    await Promise.all([this.#call.transport.close(), this.#plain?.close()]);
  }

  #accept(claims: Readonly<Record<string, unknown>>): Verification {
    for (const name of ["token_type", "typ"]) {
      const kind = claims[name];
      if (typeof kind === "string" && NOT_ACCESS_TOKENS.has(kind.toLowerCase())) {
        throw invalidToken(`a ${kind} is not an access token`);
      }
    }
    this.#checkIssuer(claims);
    this.#checkAudience(claims);
    this.#checkTimes(claims);
    const user = this.#options.claims.toUser(appOnlySubject(claims), this.name);
    if (user.id === null) throw invalidToken("the token names no user (no sub or mapped id claim)");
    for (const scope of this.#options.requiredScopes ?? []) {
      if (!user.scopes.includes(scope))
        throw invalidToken(`token lacks the required scope ${scope}`);
    }
    const exp = claims.exp;
    return typeof exp === "number" ? { user, expiresAt: exp * 1000 } : { user };
  }

  #checkIssuer(claims: Readonly<Record<string, unknown>>): void {
    const iss = claims.iss;
    if (this.#issuer !== undefined && iss !== undefined && iss !== this.#issuer) {
      throw invalidToken("the token's issuer (iss) is not the configured issuer");
    }
  }

  #checkAudience(claims: Readonly<Record<string, unknown>>): void {
    const { aud } = claims;
    const list = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
    // A token minted for another resource must not be replayed here (RFC 8707); no aud proves
    // nothing, so it fails closed even with AUTH_VERIFY_AUDIENCE=false.
    if (this.resource !== undefined && !list.includes(this.resource)) {
      throw wrongAudience(
        aud === undefined
          ? "the introspection answer names no audience (aud), so it cannot show the token was issued for this resource (AUTH_RESOURCE): have the authorization server answer aud for introspected tokens"
          : "the token's audience (aud) does not name this resource (AUTH_RESOURCE)",
      );
    }
    const audiences = this.#audiences;
    if (audiences === undefined) return;
    if (list.some((value) => audiences.has(value as string))) return;
    throw wrongAudience(
      aud === undefined
        ? "the introspection answer names no audience (aud); if the authorization server never sends one, set AUTH_VERIFY_AUDIENCE=false"
        : "the token's audience (aud) is not accepted by this API",
    );
  }

  /** The server said active; a clock-checked `exp` / `nbf` and bounded life still apply. */
  #checkTimes(claims: Readonly<Record<string, unknown>>): void {
    const now = Date.now() / 1000;
    const tolerance = this.clockToleranceSeconds;
    const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number };
    if (exp !== undefined && exp + tolerance <= now) throw invalidToken("the token has expired");
    if (nbf !== undefined && nbf - tolerance > now)
      throw invalidToken("the token is not valid yet (nbf)");
    if (exp !== undefined && exp - (iat ?? now) > this.maxTokenLifetimeSeconds + tolerance) {
      throw invalidToken(
        `the token lives longer than maxTokenLifetimeSeconds (AUTH_MAX_TOKEN_LIFETIME_SECONDS = ${this.maxTokenLifetimeSeconds} s) allows; raise it to the authorization server's access-token lifetime`,
      );
    }
  }

  /** The endpoint: configured, or discovered once (a failed discovery is retried next time). */
  #endpoint(): Promise<string> {
    if (this.#url !== undefined) return this.#url;
    this.#plain ??= createPlainTransport({ timeoutMs: this.#call.timeoutMs });
    const found = discoverIntrospectionUrl(this.#issuer!, {
      transport: this.#plain,
      timeoutMs: this.#call.timeoutMs,
      retryAfterSeconds: this.#call.retryAfterSeconds,
    });
    this.#url = found;
    found.catch(() => {
      if (this.#url === found) this.#url = undefined;
    });
    return found;
  }
}

/**
 * An app-only (client credentials) token has no user, and many servers answer no `sub` for it:
 * its subject is the client (RFC 9068 §2.2), as in the same server's JWT access tokens.
 */
function appOnlySubject(
  claims: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  if (claims.sub !== undefined || typeof claims.client_id !== "string") return claims;
  return Object.freeze({ ...claims, sub: claims.client_id });
}

/** A 401 whose decision reason says why: the token was issued for someone else. */
function wrongAudience(message: string) {
  return tagReason(invalidToken(message), "wrong_audience");
}

/** The numeric options, each checked against its range (messages name the setting). */
function checkLimits(options: IntrospectionValidatorOptions) {
  const { clockToleranceSeconds, maxTokenLifetimeSeconds, maxTokenBytes } = options;
  const seconds = bounded(
    options.timeoutSeconds,
    DEFAULTS.timeoutSeconds,
    0.05,
    60,
    "timeoutSeconds (AUTH_HTTP_TIMEOUT_SECONDS)",
  );
  return {
    clockToleranceSeconds: bounded(
      clockToleranceSeconds,
      DEFAULTS.clockToleranceSeconds,
      0,
      3600,
      "clockToleranceSeconds (AUTH_CLOCK_SKEW)",
    ),
    maxTokenLifetimeSeconds: bounded(
      maxTokenLifetimeSeconds,
      DEFAULTS.maxTokenLifetimeSeconds,
      1,
      31_536_000,
      "maxTokenLifetimeSeconds (AUTH_MAX_TOKEN_LIFETIME_SECONDS)",
    ),
    maxTokenBytes: bounded(
      maxTokenBytes,
      DEFAULTS.maxTokenBytes,
      1,
      65_536,
      "maxTokenBytes (AUTH_MAX_TOKEN_BYTES)",
    ),
    timeoutMs: Math.round(seconds * 1000),
    maxResponseBytes: bounded(
      options.maxResponseBytes,
      DEFAULTS.maxResponseBytes,
      1024,
      1_048_576,
      "maxResponseBytes",
    ),
  };
}

function bounded(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < min || chosen > max) {
    throw new ConfigurationError(
      `${name} must be a number between ${min} and ${max}; got ${chosen}.`,
    );
  }
  return chosen;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Tokens and client credentials in clear text to a remote host. */
function warnPlainHttp(url: string, logger: AuthLogger): void {
  const { protocol, hostname, origin } = new URL(url);
  if (protocol === "http:" && !LOOPBACK.has(hostname)) {
    logger.warn(
      `[@org/auth-server] Tokens are introspected over plain HTTP (${origin}): anyone on the path reads them and this API's client credentials. Use https outside local development.`,
    );
  }
}
