import { findClient, type OidcClient } from "../config/OidcClient.js";
import type { Ctx } from "../core/context.js";
import { constantTimeEqual, sha256 } from "../core/random.js";
import { json, type MockResponse, type RequestLike } from "../core/responses.js";
import { lookupClient } from "./lookupClient.js";
import {
  assertionSubject,
  JWT_BEARER_ASSERTION,
  verifyClientAssertion,
} from "./verifyClientAssertion.js";

const MAX_BODY = 16 * 1024;
const MAX_PARAM = 4096;

/** An OAuth error answer (RFC 6749 §5.2): `{error, error_description}`, never cached. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): MockResponse {
  const response = json(status, { error, error_description: description });
  Object.assign(response.headers, headers);
  return response;
}

/** Parsed parameters, or the error answer for a malformed request. */
export type Params = { params: Record<string, string> } | { response: MockResponse };

/**
 * Parameters of a query string or a form body: each at most once (RFC 6749 §3.1), each bounded.
 */
export function parseParams(search: URLSearchParams): Params {
  const params: Record<string, string> = Object.create(null);
  for (const [key, value] of search) {
    if (key in params)
      return { response: oauthError(400, "invalid_request", `send ${key.slice(0, 40)} once`) };
    if (value.length > MAX_PARAM)
      return { response: oauthError(400, "invalid_request", `${key.slice(0, 40)} is too long`) };
    params[key] = value;
  }
  return { params };
}

/** The `application/x-www-form-urlencoded` body of a POST (bounded at 16 KiB). */
export async function readForm(request: RequestLike): Promise<Params> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return {
      response: oauthError(
        400,
        "invalid_request",
        "send Content-Type: application/x-www-form-urlencoded (RFC 6749 §4.1.3)",
      ),
    };
  }
  const text = await request.text();
  if (text.length > MAX_BODY)
    return { response: oauthError(413, "invalid_request", "request body larger than 16 KiB") };
  return parseParams(new URLSearchParams(text));
}

/** `Authorization: Basic` credentials (each part form-urlencoded, RFC 6749 §2.3.1). */
function basicCredentials(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i.exec(header);
  if (!match?.[1]) return undefined;
  try {
    const decoded = atob(match[1]);
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Constant time over the digests: neither content nor length of the secret leaks. */
async function secretMatches(presented: string, expected: string): Promise<boolean> {
  return constantTimeEqual(await sha256(presented), await sha256(expected));
}

/** The authenticated client, or the `invalid_client` / `invalid_request` answer. */
export type ClientAuth = { client: OidcClient; method: string } | { response: MockResponse };

/**
 * Client authentication (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`,
 * `private_key_jwt` (RFC 7523, for clients registered with `jwks`), or `none` for public
 * clients. One method per request; failures answer 401 `invalid_client`.
 */
export async function authenticateClient(
  ctx: Ctx,
  request: RequestLike,
  params: Record<string, string>,
  allowPublic = true,
): Promise<ClientAuth> {
  const header = request.headers.get("authorization");
  const basic = header === null ? undefined : basicCredentials(header);
  const invalid = (why: string) => ({
    response: oauthError(401, "invalid_client", why, {
      "www-authenticate": 'Basic realm="auth-mock-server", charset="UTF-8"',
    }),
  });
  if (header !== null && !basic) return invalid("malformed Authorization header: use Basic");
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) {
    if (basic || params.client_secret !== undefined) return authenticateOnce();
    return authenticateByAssertion(ctx, request, params, invalid);
  }
  if (basic && params.client_secret !== undefined) {
    return authenticateOnce();
  }
  const id = basic?.id ?? params.client_id;
  if (basic && params.client_id !== undefined && params.client_id !== basic.id)
    return invalid("client_id differs from the Basic credentials");
  if (id === undefined) return invalid("send client credentials (Basic, or client_id)");
  const found = await lookupClient(ctx, id);
  const client = "client" in found ? found.client : undefined;
  const secret = basic?.secret ?? params.client_secret;
  // Compare even for unknown clients, so timing does not tell which client ids exist.
  const expected = client?.clientSecret ?? "mock-no-secret-configured";
  const matches = secret === undefined ? false : await secretMatches(secret, expected);
  if (!client) return invalid("unknown client or wrong secret");
  if (client.jwks !== undefined) return invalid("this client authenticates with private_key_jwt");
  if (client.clientSecret === null) {
    if (secret !== undefined) return invalid("a public client has no secret: send only client_id");
    if (!allowPublic) return invalid("this endpoint needs a confidential client's credentials");
    return { client, method: "none" };
  }
  if (secret === undefined) return invalid("this client must authenticate with its secret");
  if (!matches) return invalid("unknown client or wrong secret");
  return { client, method: basic ? "client_secret_basic" : "client_secret_post" };
}

function authenticateOnce(): { response: MockResponse } {
  return {
    response: oauthError(
      400,
      "invalid_request",
      "authenticate once: Basic header, client_secret or client_assertion, not two of them",
    ),
  };
}

/** `private_key_jwt`: the assertion names its client (`sub`), whose registered keys must verify it. */
async function authenticateByAssertion(
  ctx: Ctx,
  request: RequestLike,
  params: Record<string, string>,
  invalid: (why: string) => { response: MockResponse },
): Promise<ClientAuth> {
  if (params.client_assertion_type !== JWT_BEARER_ASSERTION || !params.client_assertion)
    return invalid(`send client_assertion with client_assertion_type=${JWT_BEARER_ASSERTION}`);
  const id = assertionSubject(params.client_assertion);
  if (id === undefined) return invalid("the client assertion is not a JWT naming its client (sub)");
  if (params.client_id !== undefined && params.client_id !== id)
    return invalid("client_id differs from the assertion's sub");
  const client = findClient(ctx.state.clients, id);
  if (client?.jwks === undefined) return invalid("unknown client, or one without registered keys");
  const path = new URL(request.url).pathname;
  const why = await verifyClientAssertion(
    ctx,
    { ...client, jwks: client.jwks },
    params.client_assertion,
    path,
  );
  if (why !== undefined) return invalid(why);
  return { client, method: "private_key_jwt" };
}
