import { upstreamError } from "../../kernel/errors.js";
import { type FetchJsonOptions, fetchJson } from "./fetchJson.js";
import { isKeyDowngrade } from "./insecureUrl.js";

/**
 * Reads `{issuer}/.well-known/openid-configuration` and returns its `jwks_uri`. The document's
 * `issuer` must equal the configured issuer exactly (OpenID Connect Discovery §4.3), so a
 * misconfigured or spoofed metadata endpoint cannot hand us someone else's keys. An https issuer
 * may not send us to an `http:` jwks_uri (keys open to tampering in transit), except on loopback.
 */
export async function discoverJwksUrl(issuer: string, options: FetchJsonOptions): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const doc = await fetchJson(url, "OpenID discovery document", options, "discovery");
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
  if (isKeyDowngrade(issuer, jwksUri)) {
    throw upstreamError(
      `The discovery document at ${url} names an http: jwks_uri (${jwksUri}) although the issuer is https: the signing keys could be swapped in transit. Serve the JWKS over https, or set AUTH_JWKS_URL to its https URL.`,
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
