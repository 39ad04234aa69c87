import { type FetchJsonLimits, fetchJson } from "./fetchJson.js";
import { upstreamError } from "./jwtErrors.js";

/**
 * Reads `{issuer}/.well-known/openid-configuration` and returns its `jwks_uri`. The document's
 * `issuer` must equal the configured issuer exactly (OpenID Connect Discovery §4.3), so a
 * misconfigured or spoofed metadata endpoint cannot hand us someone else's keys.
 */
export async function discoverJwksUrl(issuer: string, limits: FetchJsonLimits): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const doc = await fetchJson(url, "OpenID discovery document", limits);
  if (doc.issuer !== issuer) {
    const found = typeof doc.issuer === "string" ? JSON.stringify(doc.issuer) : "no issuer";
    throw upstreamError(
      `The discovery document at ${url} names ${found}, not the configured issuer ${JSON.stringify(issuer)}. Set AUTH_ISSUER (or OIDC_ISSUER) to exactly the provider's issuer, trailing slash included.`,
    );
  }
  const jwksUri = doc.jwks_uri;
  if (typeof jwksUri !== "string" || !isHttpUrl(jwksUri)) {
    throw upstreamError(
      `The discovery document at ${url} has no usable jwks_uri; set AUTH_JWKS_URL explicitly.`,
    );
  }
  return jwksUri;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}
