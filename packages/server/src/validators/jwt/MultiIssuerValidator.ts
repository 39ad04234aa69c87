import { LRUCache } from "lru-cache";
import { ConfigurationError, invalidToken } from "../../kernel/errors.js";
import { checkHttpUrl } from "../../kernel/httpUrl.js";
import type { AuthLogger } from "../../kernel/settings.js";
import type { RequestContext, TokenValidator, Verification } from "../../kernel/types.js";
import { IssuerTemplate } from "./IssuerTemplate.js";
import { checkTimeLimits, JwtValidator, type JwtValidatorOptions } from "./JwtValidator.js";
import type { ClaimMapping } from "./mapClaimsToUser.js";
import { unverifiedIssuer } from "./unverifiedIssuer.js";

/**
 * Settings every issuer shares: they decide how long revocations are remembered, and which
 * resource (one API, one `AUTH_RESOURCE`) every token must name.
 */
type SharedOption =
  | "clockToleranceSeconds"
  | "maxTokenLifetimeSeconds"
  | "maxTokenBytes"
  | "resource";

/**
 * One trusted issuer: its exact `iss` (or an Azure AD `{tenantid}` template, whose `tid` must
 * match), its audience, and optionally its JWKS URL (default: its discovery document),
 * algorithms and claim mapping.
 *
 * @example
 * const tenantA: JwtIssuer = { issuer: "https://a.example.com/", audience: "orders-api" };
 */
export interface JwtIssuer
  extends Omit<JwtValidatorOptions, "issuer" | "secret" | "provider" | SharedOption | "logger"> {
  issuer: string;
  /** A preset's claim mapping that `claims` is overlaid on (set by the presets). */
  baseClaims?: Readonly<ClaimMapping>;
}

/**
 * Finds the issuer of a token known only at request time (a tenants table, a host per tenant):
 * `resolve` gets the request and the token's `iss` as written, NOT yet verified, and answers
 * that issuer's settings or null (not trusted: 401, no outbound call). It may read only the
 * request headers listed in `headers` (default `host`): they are part of every cache key, so an
 * answer given for one tenant is never served to another.
 *
 * @example
 * const resolver: IssuerResolver = {
 *   headers: ["host"],
 *   resolve: async (request, iss) => {
 *     const tenant = tenants.get(request.header("host") ?? "");
 *     return tenant?.issuer === iss ? { issuer: iss, audience: "orders-api" } : null;
 *   },
 * };
 */
export interface IssuerResolver {
  /** The issuer's settings for this request and `iss`, or null: not trusted (401). */
  resolve(request: RequestContext, iss: string): Promise<JwtIssuer | null | undefined>;
  /** The request headers `resolve` reads (lower-case); default `["host"]`. */
  headers?: readonly string[];
  /**
   * Names everything else that decides the answers (e.g. `"tenants-db/orders-api"`): instances
   * with the same one share answers through Redis. Without it each instance caches on its own.
   */
  cacheScope?: string;
  /** How many resolved issuers (each with its own keys) are kept, least recently used out. */
  maxIssuers?: number;
}

/**
 * Options of {@link createMultiIssuerValidator}: the trusted issuers, and/or a resolver, and the
 * settings they share.
 *
 * @example
 * const options: MultiIssuerValidatorOptions = {
 *   issuers: [{ issuer: "https://a.example.com/", audience: "api" }],
 * };
 */
export interface MultiIssuerValidatorOptions extends Pick<JwtValidatorOptions, SharedOption> {
  issuers?: readonly JwtIssuer[];
  resolver?: IssuerResolver;
  /** Name copied to `User.provider` (default "jwt"). */
  provider?: string;
  /** Where warnings go (default: console). Tokens are never logged. */
  logger?: AuthLogger;
}

/** The issuers a resolver may name, each with its own keys, by default. */
const DEFAULT_MAX_ISSUERS = 100;
const DEFAULT_MAX_TOKEN_BYTES = 16_384;
/** As `unverifiedIssuer`: a longer `iss` is nobody's, and is not worth a resolver call. */
const MAX_ISSUER_CHARS = 2048;
/** An evicted issuer's connections close after its last fetch could have ended. */
const CLOSE_DELAY_MS = 65_000;

/** Which validator checks a token, and the tenant a template matched. */
interface Route {
  validator: JwtValidator;
  tenant?: string;
}

/**
 * Validates JWTs of several issuers: routes each token by its (unverified) `iss` to that issuer's
 * own validator, with its own discovery, keys and audience. See {@link MultiIssuerValidator}.
 *
 * @example
 * const validator = createMultiIssuerValidator({
 *   issuers: [
 *     { issuer: "https://sso.example.com/realms/a", audience: "api" },
 *     { issuer: "https://sso.example.com/realms/b", audience: "api" },
 *   ],
 * });
 */
export function createMultiIssuerValidator(options: MultiIssuerValidatorOptions): TokenValidator {
  return new MultiIssuerValidator(options);
}

/**
 * The many-issuer {@link TokenValidator}. A token whose `iss` is neither configured nor accepted
 * by the resolver is refused (401) before any network call; each issuer's keys verify only its
 * own tokens (a `kid` shared by two issuers changes nothing); the resolver's issuers live in a
 * bounded LRU, so a flood naming random issuers costs neither memory nor outbound calls.
 *
 * @example
 * const auth = createAuth({ validator: new MultiIssuerValidator({ issuers, resolver }) });
 */
export class MultiIssuerValidator implements TokenValidator {
  readonly name: string;
  readonly identity?: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  /** The resource every issuer's tokens must name in `aud` (`AUTH_RESOURCE`), if any. */
  readonly resource: string | undefined;
  /** With a resolver: the values of the headers it reads, a part of every cache key. */
  readonly scope?: (ctx: RequestContext) => string;
  readonly #exact = new Map<string, JwtValidator>();
  readonly #templates: Array<{ template: IssuerTemplate; validator: JwtValidator }> = [];
  readonly #resolver: IssuerResolver | undefined;
  readonly #headers: readonly string[];
  readonly #resolved: LRUCache<string, JwtValidator> | undefined;
  readonly #shared: Pick<JwtValidatorOptions, SharedOption | "logger" | "provider">;
  readonly #maxTokenBytes: number;

  constructor(options: MultiIssuerValidatorOptions) {
    this.name = options.provider ?? "jwt";
    this.#maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.#shared = sharedOptions(options, this.name);
    this.resource = options.resource;
    const issuers = options.issuers ?? [];
    if (issuers.length === 0 && options.resolver === undefined) {
      throw new ConfigurationError(
        "Many-issuer JWT validation needs at least one issuer: set AUTH_ISSUERS, or pass createAuth({ issuers }) or an issuerResolver.",
      );
    }
    const identities = issuers.map((issuer) => this.#addStatic(issuer));
    ({
      clockToleranceSeconds: this.clockToleranceSeconds,
      maxTokenLifetimeSeconds: this.maxTokenLifetimeSeconds,
    } = checkTimeLimits(options));
    this.#resolver = options.resolver;
    this.#headers = checkHeaders(options.resolver?.headers ?? ["host"]);
    if (options.resolver !== undefined) {
      this.scope = scopeOf(this.#headers);
      this.#resolved = new LRUCache({
        max: checkMax(options.resolver.maxIssuers ?? DEFAULT_MAX_ISSUERS),
        dispose: (validator) => closeLater(validator),
      });
    }
    const cacheScope = options.resolver?.cacheScope;
    // A resolver's answers depend on the app's own data: shared only when the app names it.
    if (options.resolver === undefined || cacheScope !== undefined) {
      this.identity = JSON.stringify({
        issuers: identities.sort(),
        resolver: cacheScope === undefined ? null : { cacheScope, headers: this.#headers },
        // The resolver's issuers are not listed: their resource must key the answers here.
        ...(this.resource === undefined ? {} : { resource: this.resource }),
      });
    }
  }

  /** How many issuers the resolver named are kept (with their keys): never above `maxIssuers`. */
  get resolvedIssuerCount(): number {
    return this.#resolved?.size ?? 0;
  }

  /** Verifies with the token's own issuer; 401 when that issuer is not trusted. */
  async verify(token: string, ctx: RequestContext): Promise<Verification> {
    const route = await this.#route(token, ctx);
    const verification = await route.validator.verify(token, ctx);
    if (route.tenant !== undefined && verification.user.claims?.tid !== route.tenant) {
      throw invalidToken("the token's tid does not name the tenant of its issuer");
    }
    return verification;
  }

  /**
   * Whether `iss` names a trusted issuer: listed, a template's tenant, or accepted by the
   * resolver for this request. Mixed mode asks it of the `iss` an introspection answer names.
   */
  async trusts(iss: string, ctx: RequestContext): Promise<boolean> {
    if (iss === "" || iss.length > MAX_ISSUER_CHARS) return false;
    return (this.#known(iss) ?? (await this.#resolve(iss, ctx))) !== undefined;
  }

  /** Asks the token's own issuer's validator (its permission sources). */
  async hasPermission(
    token: string,
    verification: Verification,
    permission: string,
    ctx: RequestContext,
  ): Promise<boolean> {
    const { validator } = await this.#route(token, ctx);
    return validator.hasPermission(token, verification, permission);
  }

  /**
   * The signing keys of one configured issuer (exact `iss`, not a template or the resolver's),
   * for checking its other tokens such as back-channel logout tokens; undefined otherwise.
   *
   * @example
   * const keys = validator.providerKeysOf(unverifiedIssuer(logoutToken));
   */
  providerKeysOf(iss: string | undefined): ReturnType<JwtValidator["providerKeys"]> {
    return iss === undefined ? undefined : this.#exact.get(iss)?.providerKeys();
  }

  /** Whether any issuer is configured by its exact `iss` (back-channel logout needs one). */
  get hasExactIssuers(): boolean {
    return this.#exact.size > 0;
  }

  /** Closes every issuer's connections. */
  async close(): Promise<void> {
    const all = [
      ...this.#exact.values(),
      ...this.#templates.map((entry) => entry.validator),
      ...(this.#resolved?.values() ?? []),
    ];
    await Promise.all(all.map((validator) => validator.close()));
  }

  /** The issuer's validator for a token: configured, else a template, else the resolver's. */
  async #route(token: string, ctx: RequestContext): Promise<Route> {
    if (token.length > this.#maxTokenBytes) {
      throw invalidToken(`token is longer than ${this.#maxTokenBytes} bytes`);
    }
    const iss = unverifiedIssuer(token);
    if (iss === undefined) throw invalidToken("the token names no issuer (iss)");
    const route = this.#known(iss) ?? (await this.#resolve(iss, ctx));
    if (route === undefined)
      throw invalidToken("the token's issuer (iss) is not trusted by this API");
    return route;
  }

  #known(iss: string): Route | undefined {
    const exact = this.#exact.get(iss);
    if (exact !== undefined) return { validator: exact };
    for (const { template, validator } of this.#templates) {
      const tenant = template.tenantOf(iss);
      if (tenant !== undefined) return { validator, tenant };
    }
    return undefined;
  }

  async #resolve(iss: string, ctx: RequestContext): Promise<Route | undefined> {
    const resolver = this.#resolver;
    if (resolver === undefined) return undefined;
    const issuer = await resolver.resolve(this.#restricted(ctx), iss);
    if (issuer === null || issuer === undefined) return undefined;
    const template = IssuerTemplate.isTemplate(issuer.issuer)
      ? new IssuerTemplate(issuer.issuer)
      : undefined;
    const tenant = template?.tenantOf(iss);
    if (template === undefined ? issuer.issuer !== iss : tenant === undefined) {
      throw new ConfigurationError(
        "The issuer resolver answered the settings of another issuer than the token's iss: answer null for an issuer it does not trust, else that issuer's own settings.",
      );
    }
    // Synchronous from here on: concurrent requests for one new issuer share one validator.
    const key = issuerKey(issuer);
    let validator = this.#resolved?.get(key);
    if (validator === undefined) {
      validator = this.#create(issuer);
      this.#resolved?.set(key, validator);
    }
    return tenant === undefined ? { validator } : { validator, tenant };
  }

  /** The request as the resolver sees it: only the headers it declared (they key the cache). */
  #restricted(ctx: RequestContext): RequestContext {
    const allowed = this.#headers;
    return {
      header(name) {
        if (!allowed.includes(name)) {
          throw new ConfigurationError(
            `The issuer resolver read the header "${name}", which its headers option does not list: list it (issuerResolver: { headers: [...] }), so that answers are cached per "${name}".`,
          );
        }
        return ctx.header(name);
      },
    };
  }

  #addStatic(issuer: JwtIssuer): string {
    const validator = this.#create(issuer);
    if (IssuerTemplate.isTemplate(issuer.issuer)) {
      this.#templates.push({ template: new IssuerTemplate(issuer.issuer), validator });
    } else if (this.#exact.has(issuer.issuer)) {
      throw new ConfigurationError(`The issuer ${issuer.issuer} is listed twice; list it once.`);
    } else {
      this.#exact.set(issuer.issuer, validator);
    }
    return JSON.stringify([issuer.issuer, validator.identity]);
  }

  /** One issuer's own validator: its own discovery, key cache and connections. */
  #create(issuer: JwtIssuer): JwtValidator {
    const { baseClaims, issuer: iss, ...rest } = issuer;
    if ("secret" in rest) {
      throw new ConfigurationError(
        `The issuer ${iss} has a shared secret: with many issuers, only asymmetric keys (each issuer's JWKS) are accepted.`,
      );
    }
    const options: JwtValidatorOptions = { ...rest, ...this.#shared, issuer: iss };
    if (!IssuerTemplate.isTemplate(iss)) return new JwtValidator(options, baseClaims);
    checkHttpUrl(
      iss.replace("{tenantid}", "00000000-0000-0000-0000-000000000000"),
      "issuer template",
    );
    if (rest.jwksUrl === undefined) {
      throw new ConfigurationError(
        `The issuer template ${iss} needs its jwksUrl (the keys every tenant shares, e.g. https://login.microsoftonline.com/common/discovery/v2.0/keys): there is no single discovery document.`,
      );
    }
    // The template's iss check is done on routing (and the tid check after the signature's).
    return new JwtValidator({ ...options, issuer: false }, baseClaims);
  }
}

/** The cache partition of a request: the values of the headers the resolver reads. */
function scopeOf(headers: readonly string[]): (ctx: RequestContext) => string {
  const [only] = headers;
  // One header (the usual host): its value as is; NUL, which no header value holds, for none.
  if (headers.length === 1 && only !== undefined) return (ctx) => ctx.header(only) ?? "\0";
  return (ctx) => JSON.stringify(headers.map((name) => ctx.header(name) ?? null));
}

function sharedOptions(
  options: MultiIssuerValidatorOptions,
  provider: string,
): Pick<JwtValidatorOptions, SharedOption | "logger" | "provider"> {
  const shared: Pick<JwtValidatorOptions, SharedOption | "logger" | "provider"> = { provider };
  if (options.clockToleranceSeconds !== undefined) {
    shared.clockToleranceSeconds = options.clockToleranceSeconds;
  }
  if (options.maxTokenLifetimeSeconds !== undefined) {
    shared.maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds;
  }
  if (options.maxTokenBytes !== undefined) shared.maxTokenBytes = options.maxTokenBytes;
  if (options.resource !== undefined) shared.resource = options.resource;
  if (options.logger !== undefined) shared.logger = options.logger;
  return shared;
}

/** Everything of a resolved issuer's settings, as the key of its validator. */
function issuerKey(issuer: JwtIssuer): string {
  return JSON.stringify(issuer);
}

/** Lets an evicted issuer's fetches in flight finish, then frees its connections. */
function closeLater(validator: JwtValidator): void {
  const timer = setTimeout(() => void validator.close().catch(() => undefined), CLOSE_DELAY_MS);
  (timer as { unref?: () => void }).unref?.();
}

function checkHeaders(headers: readonly string[]): readonly string[] {
  for (const name of headers) {
    if (typeof name !== "string" || name === "" || name !== name.toLowerCase()) {
      throw new ConfigurationError(
        `issuerResolver.headers lists ${JSON.stringify(name)}: name each header in lower case.`,
      );
    }
  }
  return Object.freeze([...headers]);
}

function checkMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigurationError(
      `issuerResolver.maxIssuers must be a positive integer; got ${max}.`,
    );
  }
  return max;
}
