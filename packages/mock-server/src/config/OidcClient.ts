import { MockAuthError } from "../MockAuthError.js";
import { hasControlChar, safeUrl } from "./parse.js";

/**
 * A registered OAuth client of the mock's OpenID provider.
 *
 * @example
 * const client: OidcClient = {
 *   clientId: "orders-web",
 *   clientSecret: null, // public: PKCE S256 required
 *   redirectUris: ["https://orders.example.test/callback"],
 *   postLogoutRedirectUris: ["https://orders.example.test/"],
 *   loopback: false,
 * };
 * server.setState({ clients: [client] });
 */
export interface OidcClient {
  clientId: string;
  /** `null`: a public client (no secret, PKCE S256 required), unless it has `jwks`. */
  clientSecret: string | null;
  /**
   * Public keys of a `private_key_jwt` client (RFC 7523): it authenticates with an assertion
   * signed by one of them, never with a secret.
   */
  jwks?: { keys: JsonWebKey[] };
  /** Redirect URIs matched exactly (a loopback one on any port, RFC 8252 §7.3). */
  redirectUris: string[];
  /** Where RP-initiated logout may send the browser back to (same matching). */
  postLogoutRedirectUris: string[];
  /** Accept any `http://127.0.0.1|localhost|[::1]:<port>/…` redirect (the zero-config clients). */
  loopback: boolean;
  /** `aud` of its access tokens; default the mock's audience. */
  audience?: string;
  /** `app_id` claim of its tokens (what `requireBinding({ appId })` compares). */
  appId?: string;
  /** Extra claims put in every access token it gets. */
  claims?: Record<string, unknown>;
  /**
   * The grants it registered (RFC 7591 `grant_types`): a registered or metadata-document client
   * without `refresh_token` gets no refresh token. Unset: every grant (the configured clients).
   */
  grantTypes?: readonly string[];
}

/**
 * Whether a client is public (no secret, no keys): it cannot authenticate, so PKCE protects it.
 *
 * @example
 * if (isPublicClient(client)) requirePkce();
 */
export function isPublicClient(client: OidcClient): boolean {
  return client.clientSecret === null && client.jwks === undefined;
}

/** The zero-config clients: a confidential one and a public one, loopback redirects only. */
export const DEFAULT_CLIENTS: readonly OidcClient[] = [
  {
    clientId: "mock-client",
    clientSecret: "mock-client-secret",
    redirectUris: [],
    postLogoutRedirectUris: [],
    loopback: true,
  },
  {
    clientId: "mock-public-client",
    clientSecret: null,
    redirectUris: [],
    postLogoutRedirectUris: [],
    loopback: true,
  },
];

const CLIENT_ID = /^[A-Za-z0-9._~:@/-]{1,128}$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function fail(label: string, message: string): never {
  throw new MockAuthError("invalid_config", `${label}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An absolute redirect URI: no fragment, no credentials, not a script or data URL. */
export function parseRedirectUri(value: unknown, label: string): string {
  const url = typeof value === "string" && value.length <= 2048 ? safeUrl(value) : undefined;
  if (url === undefined || !isPlainAbsolute(url) || hasControlChar(value as string)) {
    fail(label, 'expected an absolute URL without "#fragment", e.g. "https://app.test/callback"');
  }
  return url.href;
}

const SCRIPT_SCHEMES = new Set(["javascript:", "data:", "file:", "blob:", "vbscript:"]);

/** No fragment, no credentials, not a scheme that runs or reads content. */
function isPlainAbsolute(url: URL): boolean {
  return (
    url.hash === "" &&
    url.username === "" &&
    url.password === "" &&
    !SCRIPT_SCHEMES.has(url.protocol)
  );
}

function uriList(value: unknown, label: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50) fail(label, "expected an array of URLs (max 50)");
  return value.map((v, i) => parseRedirectUri(v, `${label}[${i}]`));
}

function optionalText(value: unknown, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > 256 ||
    hasControlChar(value)
  )
    fail(label, "expected a non-empty string (max 256, no control characters)");
  return value;
}

/** Extra claims: a JSON object without `__proto__`-style keys at the top. */
export function parseClaims(value: unknown, label: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(label, "expected a JSON object of claims");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "__proto__" || k === "constructor" || k === "prototype")
      fail(label, `claim name ${k} is not allowed`);
    out[k] = v;
  }
  return out;
}

function parseClient(value: unknown, label: string): OidcClient {
  if (!isRecord(value))
    fail(label, "expected an object like {clientId, clientSecret, redirectUris}");
  const known = new Set([
    "clientId",
    "clientSecret",
    "redirectUris",
    "postLogoutRedirectUris",
    "loopback",
    "audience",
    "appId",
    "claims",
    "jwks",
  ]);
  for (const key of Object.keys(value))
    if (!known.has(key)) fail(label, `unknown client field ${JSON.stringify(key.slice(0, 40))}`);
  const { clientId, clientSecret } = value;
  if (typeof clientId !== "string" || !CLIENT_ID.test(clientId))
    fail(`${label}.clientId`, "expected 1-128 of A-Z a-z 0-9 . _ ~ : @ / -");
  const secret = clientSecret === null || clientSecret === undefined ? null : clientSecret;
  if (secret !== null && (typeof secret !== "string" || secret.length < 8 || secret.length > 256))
    fail(`${label}.clientSecret`, "expected null (a public client) or 8-256 characters");
  if (value.loopback !== undefined && typeof value.loopback !== "boolean")
    fail(`${label}.loopback`, "expected true or false");
  const client: OidcClient = {
    clientId,
    clientSecret: secret,
    redirectUris: uriList(value.redirectUris, `${label}.redirectUris`),
    postLogoutRedirectUris: uriList(
      value.postLogoutRedirectUris,
      `${label}.postLogoutRedirectUris`,
    ),
    loopback: value.loopback === true,
  };
  const audience = optionalText(value.audience, `${label}.audience`);
  const appId = optionalText(value.appId, `${label}.appId`);
  const claims = parseClaims(value.claims, `${label}.claims`);
  if (audience !== undefined) client.audience = audience;
  if (appId !== undefined) client.appId = appId;
  if (claims !== undefined) client.claims = claims;
  if (value.jwks !== undefined) client.jwks = parseJwks(value.jwks, `${label}.jwks`);
  if (client.jwks !== undefined && secret !== null)
    fail(label, "a private_key_jwt client (jwks) has no clientSecret: set one or the other");
  return client;
}

/** A public JWK Set: 1-10 keys, each with `kty` and no private member. */
function parseJwks(value: unknown, label: string): { keys: JsonWebKey[] } {
  const keys = isRecord(value) ? value.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10)
    fail(label, 'expected {"keys": [...]} with 1-10 public JWKs');
  for (const [i, key] of keys.entries()) {
    if (!isRecord(key) || typeof key.kty !== "string")
      fail(`${label}.keys[${i}]`, "expected a JWK with kty");
    if ("d" in key || "k" in key)
      fail(
        `${label}.keys[${i}]`,
        "expected a public key (no d or k): the client keeps its private key",
      );
  }
  return { keys: keys as JsonWebKey[] };
}

/** Validate a list of clients (state patch, options). */
export function parseClients(value: unknown, label: string): OidcClient[] {
  if (!Array.isArray(value) || value.length > 100)
    fail(label, "expected an array of clients (max 100)");
  return value.map((c, i) => parseClient(c, `${label}[${i}]`));
}

/** The client registered as `clientId`: configured clients first, then the zero-config ones. */
export function findClient(
  clients: readonly OidcClient[],
  clientId: string,
): OidcClient | undefined {
  return (
    clients.find((c) => c.clientId === clientId) ??
    DEFAULT_CLIENTS.find((c) => c.clientId === clientId)
  );
}

/** Plain http to 127.0.0.1, localhost or [::1]: allowed for redirects and, in the mock, client ids. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Exact redirect-URI matching (no prefix, no wildcard): equal to a registered URI, or equal but
 * for the port when both are loopback (RFC 8252 §7.3), or any loopback URI for a `loopback` client.
 */
export function redirectAllowed(
  client: OidcClient,
  uri: string,
  list = client.redirectUris,
): boolean {
  const url = safeUrl(uri);
  if (url === undefined || !isPlainAbsolute(url)) return false;
  if (client.loopback && isLoopbackHttp(url)) return true;
  return list.some((registered) => {
    if (registered === url.href) return true;
    const r = new URL(registered);
    if (!isLoopbackHttp(r) || !isLoopbackHttp(url)) return false;
    return r.hostname === url.hostname && r.pathname === url.pathname && r.search === url.search;
  });
}
