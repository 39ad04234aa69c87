import { DPOP_ALGORITHMS } from "../core/checkDpopProof.js";
import type { Ctx } from "../core/context.js";
import { json, type MockResponse } from "../core/responses.js";
import { OIDC_PATHS } from "./paths.js";
import { ASSERTION_ALGORITHMS } from "./verifyClientAssertion.js";

const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"];

/**
 * `GET /.well-known/oauth-authorization-server` (RFC 8414): the same document as OpenID
 * discovery, which already holds every OAuth field (registration, PKCE S256, metadata documents).
 */
export function handleAuthorizationServerMetadata(ctx: Ctx): MockResponse {
  return handleDiscovery(ctx);
}

/** `GET /.well-known/openid-configuration`: exactly what the OpenID provider serves. */
export function handleDiscovery(ctx: Ctx): MockResponse {
  const base = ctx.settings.baseUrl;
  const at = (path: string) => new URL(path, base).href;
  const response = json(200, {
    issuer: base,
    jwks_uri: at("/.well-known/jwks.json"),
    authorization_endpoint: at(OIDC_PATHS.authorize),
    token_endpoint: at(OIDC_PATHS.token),
    userinfo_endpoint: at(OIDC_PATHS.userinfo),
    introspection_endpoint: at(OIDC_PATHS.introspect),
    revocation_endpoint: at(OIDC_PATHS.revoke),
    end_session_endpoint: at(OIDC_PATHS.endSession),
    registration_endpoint: at(OIDC_PATHS.register),
    client_id_metadata_document_supported: true,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS.slice(0, 3),
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    code_challenge_methods_supported: ["S256"],
    dpop_signing_alg_values_supported: DPOP_ALGORITHMS,
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    prompt_values_supported: ["none", "login", "consent", "select_account"],
    acr_values_supported: ctx.settings.acrValues,
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "azp",
      "sid",
      "email",
      "email_verified",
      "name",
      "preferred_username",
    ],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  });
  response.headers["cache-control"] = "no-cache";
  return response;
}

/** `GET /.well-known/jwks.json`: the public keys (ES256 and RS256, plus retired ones in grace). */
export async function handleJwks(ctx: Ctx): Promise<MockResponse> {
  const response = json(200, await ctx.signer.jwks(ctx.now()));
  response.headers["cache-control"] = "no-cache";
  return response;
}
