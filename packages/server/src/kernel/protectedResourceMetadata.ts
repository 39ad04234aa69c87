import type { HttpAnswer } from "./errorAnswer.js";

/**
 * This API as an OAuth protected resource (RFC 9728): its identifier, the authorization servers
 * that issue its tokens, and what its metadata document lists. Resolved once at creation from
 * `AUTH_RESOURCE`, `AUTH_AUTHORIZATION_SERVERS`, `AUTH_RESOURCE_SCOPES` (or the options).
 *
 * @example
 * const settings: ProtectedResourceSettings = {
 *   resource: "https://mcp.example.com/mcp",
 *   authorizationServers: ["https://id.example.com"],
 *   scopesSupported: ["tools:read"],
 * };
 */
export interface ProtectedResourceSettings {
  /** The resource identifier tokens must name in `aud` (an https URL, e.g. the MCP endpoint). */
  readonly resource: string;
  /** Issuer URLs of the authorization servers that issue tokens for it. */
  readonly authorizationServers: readonly string[];
  /** The scopes the metadata lists (`scopes_supported`); empty: left out. */
  readonly scopesSupported: readonly string[];
  /**
   * Proof-of-possession (RFC 9449) as the metadata announces it, when DPoP is enabled: the
   * signing algorithms accepted and whether every token must be DPoP-bound.
   */
  readonly dpop?: { readonly algorithms: readonly string[]; readonly required: boolean };
}

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/**
 * Where a resource's metadata lives (RFC 9728 §3.1): the well-known segment is inserted between
 * the host and the resource's path, so `https://api.example.com/mcp` has it at
 * `/.well-known/oauth-protected-resource/mcp` and `https://api.example.com` at
 * `/.well-known/oauth-protected-resource`. Returns the path; mount the route helper there.
 *
 * @example
 * app.get(resourceMetadataPath("https://api.example.com/mcp"), protectedResourceMetadata());
 */
export function resourceMetadataPath(resource: string): string {
  const { pathname } = new URL(resource);
  return pathname === "/" ? WELL_KNOWN : WELL_KNOWN + pathname.replace(/\/+$/, "");
}

/**
 * The absolute URL of the metadata document, as challenges name it in `resource_metadata`.
 *
 * @example
 * resourceMetadataUrl("https://api.example.com/mcp"); // "https://api.example.com/.well-known/oauth-protected-resource/mcp"
 */
export function resourceMetadataUrl(resource: string): string {
  return new URL(resource).origin + resourceMetadataPath(resource);
}

/**
 * The metadata document (RFC 9728 §2) as an answer: public, cacheable for five minutes and
 * readable from any origin (browser-based clients discover it before they hold a token).
 */
export function protectedResourceMetadata(settings: ProtectedResourceSettings): HttpAnswer {
  const document: Record<string, unknown> = {
    resource: settings.resource,
    authorization_servers: settings.authorizationServers,
    // Only the Authorization header: the access cookie is this SDK's own, not an RFC 6750 method.
    bearer_methods_supported: ["header"],
  };
  if (settings.scopesSupported.length > 0) document.scopes_supported = settings.scopesSupported;
  if (settings.dpop !== undefined) {
    document.dpop_signing_alg_values_supported = settings.dpop.algorithms;
    document.dpop_bound_access_tokens_required = settings.dpop.required;
  }
  return {
    status: 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
    },
    body: JSON.stringify(document),
  };
}
