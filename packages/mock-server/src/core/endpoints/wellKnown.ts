import type { Ctx } from "../context.js";
import { json, type MockResponse } from "../responses.js";

/** `GET /.well-known/openid-configuration`: enough discovery for a backend to verify JWTs. */
export function handleDiscovery(ctx: Ctx): MockResponse {
  const base = ctx.settings.baseUrl;
  const at = (path: string) => new URL(path, base).href;
  const response = json(200, {
    issuer: base,
    jwks_uri: at("/.well-known/jwks.json"),
    authorization_endpoint: at("/_oxa_auth/login"),
    token_endpoint: at("/_oxa_auth/token-exchange"),
    userinfo_endpoint: at("/_oxa_auth/get-me"),
    end_session_endpoint: at("/_oxa_auth/logout"),
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    scopes_supported: ["openid", "profile", "email"],
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "email",
      "name",
      "preferred_username",
      "roles",
      "permissions",
      "scope",
      "sid",
      "jti",
    ],
  });
  response.headers["cache-control"] = "no-cache";
  return response;
}

/** `GET /.well-known/jwks.json`: the public signing key (a new one on every start by default). */
export async function handleJwks(ctx: Ctx): Promise<MockResponse> {
  const response = json(200, await ctx.signer.jwks());
  response.headers["cache-control"] = "no-cache";
  return response;
}
