import type {
  errors,
  FlattenedJWSInput,
  JWSHeaderParameters,
  JWTPayload,
  JWTVerifyOptions,
  KeyInput,
} from "jose";
import { createPlainTransport, platform } from "#platform";
import { fromJoseError } from "../../jose/fromJoseError.js";
import { loadedJose, loadJose } from "../../jose/loadJose.js";
import { ASYMMETRIC_ALGORITHMS } from "../../kernel/asymmetricAlgorithms.js";
import { checkAudience } from "../../kernel/checkAudience.js";
import { checkResource } from "../../kernel/checkResource.js";
import { hasProtoKey } from "../../kernel/claimPath.js";
import { tagReason } from "../../kernel/decisionReason.js";
import { ConfigurationError, invalidToken } from "../../kernel/errors.js";
import type { HttpTransport } from "../../kernel/HttpTransport.js";
import { checkHttpUrl } from "../../kernel/httpUrl.js";
import type { AuthLogger } from "../../kernel/settings.js";
import type { Telemetry } from "../../kernel/Telemetry.js";
import type { RequestContext, TokenValidator, Verification } from "../../kernel/types.js";
import { type AccessTokenRules, accessTokenRefusal } from "./accessTokenRefusal.js";
import { discoverJwksUrl } from "./discoverJwksUrl.js";
import type { FetchJsonOptions } from "./fetchJson.js";
import { isKeyDowngrade, isPlainHttpRemote } from "./insecureUrl.js";
import {
  type ClaimMapping,
  type ClaimMappingOptions,
  grantsPermission,
  mapClaimsToUser,
  resolveClaimMapping,
} from "./mapClaimsToUser.js";
import { type KeySetTiming, RemoteKeySet } from "./RemoteKeySet.js";

const HMAC_ALGORITHMS: readonly string[] = ["HS256", "HS384", "HS512"];

/** Compact JWS: three base64url segments (the signature may not be empty either). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Options of {@link createJwtValidator}. `issuer` and `audience` are required: pass `false` to
 * switch a check off explicitly (not recommended).
 *
 * @example
 * const options: JwtValidatorOptions = { issuer: "https://id.example.com/", audience: "my-api" };
 */
export interface JwtValidatorOptions {
  /** Expected `iss`; also where OIDC discovery starts when `jwksUrl` is not given. */
  issuer: string | false;
  /** Accepted `aud` values (any one suffices). */
  audience: string | readonly string[] | false;
  /** JWKS URL; default: `jwks_uri` from `{issuer}/.well-known/openid-configuration`. */
  jwksUrl?: string;
  /** Also accept a token whose `azp` is one of the audiences (Keycloak puts the client there). */
  acceptAzpAsAudience?: boolean;
  /**
   * This API's resource identifier (RFC 8707, `AUTH_RESOURCE`): every token must name it in
   * `aud` (its `azp` does not count), besides the audience check; also with `audience: false`.
   */
  resource?: string;
  /** Allowed algorithms; default: asymmetric ones, plus HS256 when `secret` is set. */
  algorithms?: readonly string[];
  /** Shared secret for HS* tokens (Supabase legacy, Authentik without a signing key); ≥ 32 bytes. */
  secret?: string | Uint8Array;
  /** Clock tolerance for `exp`/`nbf`, seconds (default 60). */
  clockToleranceSeconds?: number;
  /**
   * The longest token lifetime accepted, seconds (default 86400): a token whose `exp` lies
   * further after its `iat` (or after now, without `iat`) is refused, so that a revocation of its
   * subject or session is remembered for at least its whole life.
   */
  maxTokenLifetimeSeconds?: number;
  /**
   * RFC 9068: accept only tokens whose header says `typ: at+jwt` (default false). Without it,
   * tokens that are plainly not access tokens are still refused (another `…+jwt` type, an ID
   * token).
   */
  requireAccessTokenType?: boolean;
  /**
   * Client ids of browser apps (SPAs) signing in at the same provider: a token whose `aud`
   * names one is that app's ID token and is refused. Must not overlap `audience`.
   */
  browserClientIds?: readonly string[];
  /** Scopes every token must carry (all of them). */
  requiredScopes?: readonly string[];
  /** Longer tokens are refused before any parsing (default 16384). */
  maxTokenBytes?: number;
  /** JWKS cache timing and fetch limits. */
  jwks?: Partial<KeySetTiming> & { timeoutMs?: number; maxBytes?: number };
  /** Where the `User` fields come from. */
  claims?: ClaimMappingOptions;
  /** Name copied to `User.provider` (default "jwt"). */
  provider?: string;
  /** Where warnings go (default: console). Tokens are never logged. */
  logger?: AuthLogger;
}

const DEFAULTS = {
  clockToleranceSeconds: 60,
  maxTokenLifetimeSeconds: 86_400,
  maxTokenBytes: 16_384,
  cooldownMs: 30_000,
  maxAgeMs: 600_000,
  maxStaleMs: 3_600_000,
  timeoutMs: 5_000,
  maxBytes: 512 * 1024,
};

/**
 * Resolves the provider's verification key for a token's protected header: jose's
 * `JWTVerifyGetKey`, restated so that the package's types need no jose installed. The key it
 * resolves is what jose's `jwtVerify` takes (a Web Crypto `CryptoKey`).
 *
 * @example
 * const keys = validator.providerKeys();
 * if (keys) await jwtVerify(token, keys.getKey as JWTVerifyGetKey, { issuer: keys.issuer });
 */
export type ProviderKeyResolver = (
  protectedHeader: { alg?: string; kid?: string },
  token: { payload: string | Uint8Array; signature: string },
) => Promise<unknown>;

/**
 * Validates JWT access tokens locally: signature against the provider's JWKS (OIDC discovery),
 * `iss`, `aud`, `exp`/`nbf`, required scopes; maps the claims to a `User`. Plug it into
 * `createAuth({ validator })`; the core adds caching and single flight.
 *
 * @example
 * const validator = createJwtValidator({ issuer: "https://id.example.com/", audience: "my-api" });
 */
export function createJwtValidator(options: JwtValidatorOptions): TokenValidator {
  return new JwtValidator(options);
}

/**
 * The local JWT {@link TokenValidator}; see {@link createJwtValidator}.
 *
 * @example
 * const auth = createAuth({ validator: new JwtValidator({ issuer, audience: "my-api" }) });
 */
export class JwtValidator implements TokenValidator {
  readonly name: string;
  /** Everything that decides an answer besides the token (see `TokenValidator.identity`). */
  readonly identity: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  /** The resource every token must name in `aud` (see {@link JwtValidatorOptions.resource}). */
  readonly resource: string | undefined;
  readonly #verifyOptions: JWTVerifyOptions;
  readonly #audiences: ReadonlySet<string> | undefined;
  readonly #acceptAzp: boolean;
  readonly #requiredScopes: readonly string[];
  readonly #maxTokenBytes: number;
  readonly #mapping: ClaimMapping;
  readonly #secret: Uint8Array | undefined;
  readonly #keySet: RemoteKeySet | undefined;
  readonly #issuer: string | undefined;
  readonly #tokenRules: AccessTokenRules;
  readonly #logger: AuthLogger;
  /**
   * The last protected header (its base64url segment) a token verified under, with the key the
   * set resolved for it and options narrowed to its `alg`: an issuer's tokens share one header,
   * so jose then gets the key itself (no resolver call, no await of it, no result copies, no
   * allow-list Set per token). Kept only after a successful verification, and only while the set
   * it came from is the current fresh one.
   */
  #lastHeader:
    | { segment: string; set: object; key: unknown; options: JWTVerifyOptions }
    | undefined;
  /** Fetches discovery and the JWKS; closed by `close()`. */
  #transport: HttpTransport | undefined;
  /** How discovery and the JWKS are fetched (its telemetry is set by `useTelemetry`). */
  #fetch: FetchJsonOptions | undefined;

  /** `baseClaims`: a preset's mapping that `options.claims` is overlaid on. */
  constructor(options: JwtValidatorOptions, baseClaims?: Readonly<ClaimMapping>) {
    this.name = options.provider ?? "jwt";
    const issuer = checkIssuer(options.issuer);
    this.#issuer = issuer;
    this.#secret = checkSecret(options.secret);
    const algorithms = checkAlgorithms(options.algorithms, this.#secret !== undefined);
    this.#audiences = checkAudience(options.audience);
    this.#acceptAzp = options.acceptAzpAsAudience === true;
    this.resource = checkResource(options.resource);
    this.#tokenRules = checkTokenRules(options, this.#audiences);
    this.#logger = options.logger ?? console;
    this.#requiredScopes = [...(options.requiredScopes ?? [])];
    this.#maxTokenBytes = checkPositiveInt(
      options.maxTokenBytes ?? DEFAULTS.maxTokenBytes,
      "maxTokenBytes (AUTH_MAX_TOKEN_BYTES)",
    );
    this.#mapping = resolveClaimMapping(options.claims, baseClaims);
    ({
      clockToleranceSeconds: this.clockToleranceSeconds,
      maxTokenLifetimeSeconds: this.maxTokenLifetimeSeconds,
    } = checkTimeLimits(options));
    this.#verifyOptions = {
      algorithms: [...algorithms],
      clockTolerance: this.clockToleranceSeconds,
      requiredClaims: ["exp"],
      ...(issuer === undefined ? {} : { issuer }),
    };
    const needsKeys = algorithms.some((alg) => !HMAC_ALGORITHMS.includes(alg));
    this.#keySet = needsKeys ? this.#createKeySet(options, issuer) : undefined;
    this.identity = JSON.stringify({
      issuer: issuer ?? null,
      audiences: this.#audiences === undefined ? null : [...this.#audiences].sort(),
      azp: this.#acceptAzp,
      resource: this.resource ?? null,
      algorithms: [...algorithms].sort(),
      jwksUrl: options.jwksUrl ?? null,
      // Two APIs with different shared secrets must not share answers; the secret never leaves.
      secret: this.#secret === undefined ? null : platform.sha256Hex(toHex(this.#secret)),
      requiredScopes: [...this.#requiredScopes].sort(),
      maxTokenBytes: this.#maxTokenBytes,
      maxTokenLifetime: this.maxTokenLifetimeSeconds,
      mapping: this.#mapping,
      atJwt: this.#tokenRules.requireAtJwt,
      browserClients: [...this.#tokenRules.browserClientIds].sort(),
    });
    // In the background: the first request does not wait for the import (a failure surfaces
    // there, as a 502 with its cause).
    loadJose().catch(() => undefined);
  }

  /**
   * Reports the discovery and JWKS calls through `telemetry` (`Auth` calls it).
   *
   * @internal
   */
  useTelemetry(telemetry: Telemetry): void {
    if (this.#fetch !== undefined) this.#fetch.telemetry = telemetry;
  }

  /** Closes the connections to the provider (called by `auth.close()`). */
  async close(): Promise<void> {
    await this.#transport?.close();
  }

  /** Verifies signature and claims; throws 401 for a bad token, 502 when the keys are unreachable. */
  async verify(token: string, _ctx?: RequestContext): Promise<Verification> {
    if (token.length > this.#maxTokenBytes) {
      throw invalidToken(`token is longer than ${this.#maxTokenBytes} bytes`);
    }
    if (!COMPACT_JWS.test(token)) throw invalidToken("not a JWT (three base64url segments)");
    // On a cold start, fetch the keys while jose loads instead of after; once loaded, jose's own
    // promise is awaited here, with no promise of ours in between (every miss pays each hop).
    const jose = loadedJose() ?? (await this.#loadJoseWarming());
    const segment = token.slice(0, token.indexOf("."));
    const set = this.#keySet?.freshSet();
    const last = this.#lastHeader;
    const known = last !== undefined && last.segment === segment && last.set === set;
    let verified: Awaited<ReturnType<typeof jose.jwtVerify>>;
    try {
      verified = known
        ? await jose.jwtVerify(token, last.key as KeyInput, last.options)
        : await jose.jwtVerify(token, this.#getKey, this.#verifyOptions);
    } catch (error) {
      if (!(error instanceof jose.errors.JWKSMultipleMatchingKeys)) throw fromJoseError(error);
      verified = await this.#tryEachKey(token, error);
    }
    if (!known) this.#rememberHeader(segment, set, verified);
    return this.#accept(verified.protectedHeader, verified.payload);
  }

  /** Remembers the key a verified token's header resolved to (see `#lastHeader`). */
  #rememberHeader(
    segment: string,
    set: object | undefined,
    { key, protectedHeader }: { key?: unknown; protectedHeader: JWSHeaderParameters },
  ): void {
    // Only a key of the set still current (a refresh may have landed meanwhile), never a secret.
    if (key === undefined || set === undefined || set !== this.#keySet?.freshSet()) return;
    const alg = protectedHeader.alg as string;
    const options = { ...this.#verifyOptions, algorithms: [alg] };
    this.#lastHeader = { segment, set, key, options };
  }

  /** The checks jose does not make, on a verified token, and its `User`; throws 401. */
  #accept(protectedHeader: JWSHeaderParameters, payload: JWTPayload): Verification {
    if (hasProtoKey(protectedHeader) || hasProtoKey(payload)) {
      throw invalidToken("token contains a forbidden __proto__ key");
    }
    // ID, logout and refresh tokens share the keys and issuer of access tokens: the log says
    // which one a client sent (a common integration mistake), never the token.
    const refusal = accessTokenRefusal(protectedHeader, payload, this.#tokenRules);
    if (refusal !== undefined) {
      this.#logger.warn(`[@org/auth-server] Refused a bearer token: ${refusal}.`);
      throw invalidToken(refusal);
    }
    this.#checkAudience(payload);
    this.#checkLifetime(payload);
    const user = mapClaimsToUser(payload as Record<string, unknown>, this.#mapping, this.name);
    // Every authenticated user has an id: revocation, binding and audit all key on it.
    if (user.id === null) throw invalidToken("the token names no user (no sub or mapped id claim)");
    for (const scope of this.#requiredScopes) {
      if (!user.scopes.includes(scope))
        throw invalidToken(`token lacks the required scope ${scope}`);
    }
    // exp is required and numeric (jose checked), so the cache never outlives the token.
    return { user, expiresAt: (payload.exp as number) * 1000 };
  }

  /**
   * The provider's issuer and signing keys (the same cached JWKS), for checking the provider's
   * other tokens, such as back-channel logout tokens; undefined when the issuer check is off or
   * only a shared secret is configured.
   *
   * @example
   * const keys = validator.providerKeys(); // { issuer, getKey } or undefined
   */
  providerKeys(): { issuer: string; getKey: ProviderKeyResolver } | undefined {
    const keySet = this.#keySet;
    if (keySet === undefined || this.#issuer === undefined) return undefined;
    return { issuer: this.#issuer, getKey: async (header, token) => keySet.getKey(header, token) };
  }

  /** Whether the permission sources (permissions and roles by default) grant `permission`. */
  async hasPermission(
    _token: string,
    verification: Verification,
    permission: string,
  ): Promise<boolean> {
    return grantsPermission(verification.user, permission, this.#mapping.permissionSources);
  }

  async #loadJoseWarming() {
    const [jose] = await Promise.all([loadJose(), this.#keySet?.warm()]);
    return jose;
  }

  /** A token without `kid` while the set holds several candidate keys: try each. */
  async #tryEachKey(token: string, candidates: errors.JWKSMultipleMatchingKeys) {
    const { errors, jwtVerify } = await loadJose();
    for await (const key of candidates) {
      try {
        return await jwtVerify(token, key, this.#verifyOptions);
      } catch (error) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw fromJoseError(error);
      }
    }
    throw invalidToken("signature verification failed");
  }

  // Not async: a key the set already resolved is handed to jose without a promise of its own.
  #getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (header.kid !== undefined && typeof header.kid !== "string") {
      throw invalidToken("the kid header must be a string");
    }
    if (typeof header.alg === "string" && HMAC_ALGORITHMS.includes(header.alg)) {
      // jose has already checked alg against the allow-list, which holds HS* only with a secret.
      if (this.#secret) return this.#secret;
      throw invalidToken("HMAC tokens are not accepted");
    }
    if (!this.#keySet) throw invalidToken("asymmetric tokens are not accepted");
    return this.#keySet.getKey(header, token);
  };

  #checkAudience(payload: JWTPayload): void {
    const { aud, azp } = payload;
    // Runs on every verified token: `aud` is read as it is, without a list built around it.
    // A token minted for another resource must not be replayed here (RFC 8707, RFC 9068 §4).
    if (this.resource !== undefined && !audNames(aud, this.resource)) {
      throw tagReason(
        invalidToken("the token's audience (aud) does not name this resource (AUTH_RESOURCE)"),
        "wrong_audience",
      );
    }
    const audiences = this.#audiences;
    if (!audiences) return;
    if (typeof aud === "string" ? audiences.has(aud) : audListAccepted(aud, audiences)) return;
    if (this.#acceptAzp && typeof azp === "string" && audiences.has(azp)) return;
    throw tagReason(
      invalidToken("the token's audience (aud) is not accepted by this API"),
      "wrong_audience",
    );
  }

  /** A token living longer than a revocation is remembered could outlive its revocation. */
  #checkLifetime(payload: JWTPayload): void {
    const exp = payload.exp as number;
    const from = typeof payload.iat === "number" ? payload.iat : Date.now() / 1000;
    if (exp - from > this.maxTokenLifetimeSeconds + this.clockToleranceSeconds) {
      throw invalidToken(
        `the token lives longer than maxTokenLifetimeSeconds (AUTH_MAX_TOKEN_LIFETIME_SECONDS = ${this.maxTokenLifetimeSeconds} s) allows; raise it to the provider's access-token lifetime`,
      );
    }
  }

  #createKeySet(options: JwtValidatorOptions, issuer: string | undefined): RemoteKeySet {
    const jwksUrl =
      options.jwksUrl === undefined
        ? undefined
        : checkUrl(options.jwksUrl, "jwksUrl (AUTH_JWKS_URL)");
    if (jwksUrl === undefined && issuer === undefined) {
      throw new ConfigurationError(
        "Local JWT validation needs the provider's keys: set AUTH_JWKS_URL, or AUTH_ISSUER (OIDC_ISSUER) for discovery.",
      );
    }
    const timeoutMs = checkPositiveInt(
      options.jwks?.timeoutMs ?? DEFAULTS.timeoutMs,
      "jwks.timeoutMs",
    );
    this.#transport = createPlainTransport({ timeoutMs });
    const fetch: FetchJsonOptions = {
      transport: this.#transport,
      timeoutMs,
      maxBytes: checkPositiveInt(options.jwks?.maxBytes ?? DEFAULTS.maxBytes, "jwks.maxBytes"),
    };
    this.#fetch = fetch;
    if (jwksUrl !== undefined && issuer !== undefined && isKeyDowngrade(issuer, jwksUrl)) {
      throw new ConfigurationError(
        `AUTH_JWKS_URL is plain http (${new URL(jwksUrl).origin}) although the issuer is https: the signing keys could be swapped in transit. Use the provider's https JWKS URL.`,
      );
    }
    const logger = options.logger ?? console;
    const source = jwksUrl ?? issuer!;
    if (isPlainHttpRemote(source)) {
      logger.warn(
        `[@org/auth-server] The provider's keys are fetched over plain HTTP (${new URL(source).origin}): anyone on the path can swap them. Use https outside local development.`,
      );
    }
    return new RemoteKeySet({
      cooldownMs: options.jwks?.cooldownMs ?? DEFAULTS.cooldownMs,
      maxAgeMs: options.jwks?.maxAgeMs ?? DEFAULTS.maxAgeMs,
      maxStaleMs: options.jwks?.maxStaleMs ?? DEFAULTS.maxStaleMs,
      fetch,
      resolveUrl: async () => jwksUrl ?? discoverJwksUrl(issuer!, fetch),
      onBackgroundError: (error) =>
        logger.warn(
          `[auth] refreshing the JWKS failed; cached keys stay in use for now: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
  }
}

/** Whether a token's `aud` (a string or a list) names `value`. */
function audNames(aud: unknown, value: string): boolean {
  return aud === value || (Array.isArray(aud) && aud.includes(value));
}

/** Whether an `aud` list names one of `audiences` (false for anything but a list). */
function audListAccepted(aud: unknown, audiences: ReadonlySet<string>): boolean {
  if (!Array.isArray(aud)) return false;
  for (const value of aud) if (typeof value === "string" && audiences.has(value)) return true;
  return false;
}

/**
 * The clock tolerance and longest token lifetime of these options, defaults applied and checked
 * (they decide how long revocations are remembered, so validators of many issuers share them).
 *
 * @example
 * checkTimeLimits({}); // { clockToleranceSeconds: 60, maxTokenLifetimeSeconds: 86400 }
 */
export function checkTimeLimits(
  options: Pick<JwtValidatorOptions, "clockToleranceSeconds" | "maxTokenLifetimeSeconds">,
): { clockToleranceSeconds: number; maxTokenLifetimeSeconds: number } {
  return {
    clockToleranceSeconds: checkTolerance(options.clockToleranceSeconds),
    maxTokenLifetimeSeconds: checkPositiveInt(
      options.maxTokenLifetimeSeconds ?? DEFAULTS.maxTokenLifetimeSeconds,
      "maxTokenLifetimeSeconds (AUTH_MAX_TOKEN_LIFETIME_SECONDS)",
    ),
  };
}

function checkTokenRules(
  options: JwtValidatorOptions,
  audiences: ReadonlySet<string> | undefined,
): AccessTokenRules {
  const browserClientIds = new Set(
    (options.browserClientIds ?? []).filter((id) => typeof id === "string" && id !== ""),
  );
  const overlap = [...browserClientIds].find((id) => audiences?.has(id));
  if (overlap !== undefined) {
    throw new ConfigurationError(
      `browserClientIds lists "${overlap}", which is also an accepted audience (AUTH_AUDIENCE): its access tokens would be refused. List only browser clients whose tokens this API must not accept.`,
    );
  }
  return { requireAtJwt: options.requireAccessTokenType === true, browserClientIds };
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function checkIssuer(issuer: string | false): string | undefined {
  if (issuer === false) return undefined;
  if (typeof issuer !== "string") {
    throw new ConfigurationError(
      "Set AUTH_ISSUER (or OIDC_ISSUER) to the provider's issuer URL, or AUTH_VERIFY_ISSUER=false to skip the iss check (not recommended).",
    );
  }
  checkUrl(issuer, "issuer (AUTH_ISSUER / OIDC_ISSUER)");
  return issuer;
}

function checkUrl(value: string, name: string): string {
  checkHttpUrl(value, name);
  return value;
}

function checkSecret(secret: string | Uint8Array | undefined): Uint8Array | undefined {
  if (secret === undefined) return undefined;
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < 32) {
    throw new ConfigurationError(
      "The HS256 shared secret (AUTH_JWT_SECRET / SUPABASE_JWT_SECRET) must be at least 32 bytes.",
    );
  }
  return bytes;
}

function checkAlgorithms(algorithms: readonly string[] | undefined, hasSecret: boolean): string[] {
  const list = algorithms
    ? [...algorithms]
    : [...ASYMMETRIC_ALGORITHMS, ...(hasSecret ? ["HS256"] : [])];
  if (list.length === 0)
    throw new ConfigurationError("AUTH_ALGORITHMS must list at least one algorithm.");
  for (const alg of list) {
    if (HMAC_ALGORITHMS.includes(alg)) {
      if (!hasSecret) {
        throw new ConfigurationError(
          `AUTH_ALGORITHMS lists ${alg}, which needs a shared secret: set AUTH_JWT_SECRET (or SUPABASE_JWT_SECRET), or remove ${alg}.`,
        );
      }
    } else if (!ASYMMETRIC_ALGORITHMS.includes(alg)) {
      throw new ConfigurationError(
        `AUTH_ALGORITHMS: "${alg}" is not supported; use any of ${[...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS].join(", ")}.`,
      );
    }
  }
  return list;
}

function checkTolerance(seconds: number | undefined): number {
  const value = seconds ?? DEFAULTS.clockToleranceSeconds;
  if (!Number.isFinite(value) || value < 0 || value > 3600) {
    throw new ConfigurationError("AUTH_CLOCK_SKEW must be a number of seconds between 0 and 3600.");
  }
  return value;
}

function checkPositiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer; got ${value}.`);
  }
  return value;
}
