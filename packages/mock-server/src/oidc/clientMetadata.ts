import { isLoopbackHttp, type OidcClient, parseRedirectUri } from "../config/OidcClient.js";
import { hasControlChar, safeUrl } from "../config/parse.js";
import { MockAuthError } from "../MockAuthError.js";

const GRANTS = new Set(["authorization_code", "refresh_token"]);

/** The checked client metadata (RFC 7591 §2), or the `invalid_*` error and why. */
export type ParsedMetadata =
  | { client: OidcClient; metadata: Record<string, unknown> }
  | { error: "invalid_client_metadata" | "invalid_redirect_uri"; description: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** https, or plain http to loopback (a local client in development); never a fragment. */
function redirectProblem(uri: unknown, index: number): string | undefined {
  let parsed: string;
  try {
    parsed = parseRedirectUri(uri, `redirect_uris[${index}]`);
  } catch (error) {
    if (error instanceof MockAuthError) return error.message;
    throw error;
  }
  const url = new URL(parsed);
  if (url.protocol === "https:" || isLoopbackHttp(url)) return undefined;
  // Private-use schemes (com.example.app:/cb) are native apps' redirects (RFC 8252 §7.1).
  if (url.protocol !== "http:" && url.protocol.includes(".")) return undefined;
  return `redirect_uris[${index}] must be https, http on 127.0.0.1 / localhost / [::1], or a private-use scheme`;
}

/**
 * Client metadata as a registration request or a Client ID Metadata Document carries it: public
 * clients only (`token_endpoint_auth_method` `none`, PKCE S256), at least one redirect URI,
 * the code flow. Fields it does not know are ignored and not echoed back (RFC 7591 §2).
 */
export function parseClientMetadata(body: unknown, clientId: string): ParsedMetadata {
  const bad = (description: string): ParsedMetadata => ({
    error: "invalid_client_metadata",
    description,
  });
  if (!isRecord(body)) return bad("send a JSON object of client metadata (RFC 7591 §2)");
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > 10)
    return { error: "invalid_redirect_uri", description: "redirect_uris: send 1-10 redirect URIs" };
  for (const [index, uri] of uris.entries()) {
    const problem = redirectProblem(uri, index);
    if (problem !== undefined) return { error: "invalid_redirect_uri", description: problem };
  }
  const method = body.token_endpoint_auth_method ?? "none";
  if (method !== "none")
    return bad(
      "token_endpoint_auth_method: the mock registers public clients only (none, with PKCE S256)",
    );
  const grants = body.grant_types ?? ["authorization_code"];
  if (
    !Array.isArray(grants) ||
    grants.length === 0 ||
    !grants.every((g) => GRANTS.has(g as string))
  )
    return bad("grant_types: authorization_code, optionally refresh_token");
  if (!grants.includes("authorization_code"))
    return bad("grant_types must include authorization_code");
  const responses = body.response_types ?? ["code"];
  if (!Array.isArray(responses) || responses.length !== 1 || responses[0] !== "code")
    return bad('response_types: ["code"] (the authorization code flow)');
  for (const field of ["client_name", "scope", "software_id", "software_version"]) {
    const value = body[field];
    if (
      value !== undefined &&
      (typeof value !== "string" || value.length > 256 || hasControlChar(value))
    )
      return bad(`${field}: a string of at most 256 characters`);
  }
  for (const field of ["client_uri", "logo_uri", "tos_uri", "policy_uri"]) {
    const value = body[field];
    const url = typeof value === "string" ? safeUrl(value) : undefined;
    if (
      value !== undefined &&
      (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
    )
      return bad(`${field}: an http(s) URL`);
  }
  const redirectUris = (uris as string[]).map((uri) => new URL(uri).href);
  const grantTypes = [...new Set(grants as string[])];
  return {
    client: {
      clientId,
      clientSecret: null,
      redirectUris,
      postLogoutRedirectUris: [],
      loopback: false,
      grantTypes,
    },
    metadata: {
      redirect_uris: redirectUris,
      token_endpoint_auth_method: "none",
      grant_types: grantTypes,
      response_types: ["code"],
      ...(typeof body.client_name === "string" ? { client_name: body.client_name } : {}),
      ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
    },
  };
}
