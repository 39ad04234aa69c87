import type { RequestContext } from "../kernel/types.js";
import type { ClaimMappingOptions } from "../validators/jwt/mapClaimsToUser.js";

/**
 * One trusted issuer of the `issuers` option: the preset (`AUTH_PROVIDER`) fills in the rest
 * (a Keycloak realm's certs URL and client roles, Azure AD's common keys for `{tenantid}`).
 *
 * @example
 * const tenant: IssuerOptions = { issuer: "https://sso.example.com/realms/a", audience: "api" };
 */
export interface IssuerOptions {
  /** The exact `iss`, or an Azure AD multi-tenant template holding `{tenantid}`. */
  issuer: string;
  /** Accepted `aud` values; default `AUTH_AUDIENCE`. */
  audience?: string | readonly string[];
  /** Default: the preset's, else `jwks_uri` from the issuer's discovery document. */
  jwksUrl?: string;
  /** Overlaid on the `AUTH_*_CLAIM` settings for this issuer. */
  claims?: ClaimMappingOptions;
}

/**
 * The app's lookup of issuers known only at request time: the request (only the headers it
 * lists, default `host`: they key the cache) and the token's `iss`, NOT yet verified, to that
 * issuer's settings (or just its URL), or null when it is not trusted.
 *
 * @example
 * const issuerResolver: IssuerResolverOptions = {
 *   headers: ["host"],
 *   resolve: async (request, iss) => (tenantIssuers.get(request.header("host") ?? "") === iss ? iss : null),
 * };
 */
export interface IssuerResolverOptions {
  /** The issuer's settings (or URL) for this request and `iss`, or null: not trusted (401). */
  resolve(request: RequestContext, iss: string): Promise<string | IssuerOptions | null | undefined>;
  /** The request headers `resolve` reads (lower-case); default `["host"]`. */
  headers?: readonly string[];
  /** Names everything else its answers depend on; instances sharing it share answers on Redis. */
  cacheScope?: string;
  /** How many resolved issuers are kept with their keys (default 100, least recently used out). */
  maxIssuers?: number;
}

/**
 * The `createAuth` options of many issuers.
 *
 * @example
 * const auth = createAuth({ issuers: ["https://a.example.com/", "https://b.example.com/"] });
 */
export interface IssuersOptions {
  /** Trusted issuers (URLs, or settings each); default `AUTH_ISSUERS`. */
  issuers?: readonly (string | IssuerOptions)[];
  /** Issuers known only at request time (e.g. per tenant host, a tenants table). */
  issuerResolver?: IssuerResolverOptions | IssuerResolverOptions["resolve"];
}
