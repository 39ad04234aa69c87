import type { SignJWT } from "jose";
import { loadJose } from "../../jose/loadJose.js";
import { ConfigurationError, upstreamError } from "../../kernel/errors.js";

/**
 * How this API authenticates to the introspection endpoint (RFC 7662 §2.1 requires it):
 * `client_secret_basic` (RFC 6749 §2.3.1), `client_secret_post`, or `private_key_jwt` (a signed
 * assertion, RFC 7523 and OpenID Connect Core §9).
 *
 * @example
 * const method: ClientAuthMethod = "private_key_jwt";
 */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt";

/** The client authentication methods, in the order the settings list them. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
];

/**
 * This API's client registration at the authorization server.
 *
 * @example
 * const client: IntrospectionClientCredentials = { clientId: "orders-api", clientSecret: "s3cr3t…" };
 */
export interface IntrospectionClientCredentials {
  clientId: string;
  /** The client secret (`client_secret_basic` / `client_secret_post`). */
  clientSecret?: string;
  /** A private key as PKCS#8 PEM or a JWK (object or JSON text) for `private_key_jwt`. */
  privateKey?: string | Record<string, unknown>;
  /** Default: `client_secret_basic` with a secret, `private_key_jwt` with a key. */
  method?: ClientAuthMethod;
  /** The assertion's algorithm; default: the JWK's `alg`, else the one the key's type implies. */
  assertionAlgorithm?: string;
}

/** What one introspection request carries to authenticate the client. */
export interface ClientAuthParts {
  headers: Record<string, string>;
  params: Record<string, string>;
}

/** Makes the client's authentication for one request to `audience` (the assertion's `aud`). */
export type ClientAuthentication = (audience: string) => Promise<ClientAuthParts>;

/** A key jose signs with, its algorithm and its JWK `kid`. */
interface Signing {
  key: Parameters<SignJWT["sign"]>[0];
  alg: string;
  kid?: string;
}

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ASSERTION_LIFETIME_SECONDS = 60;
/** Tried in order on a PEM key without a configured algorithm: the first its type accepts. */
const PEM_ALGORITHMS = ["RS256", "ES256", "ES384", "ES512", "EdDSA"];

/**
 * Checks the credentials once (at start-up) and returns how each request authenticates. Secrets
 * and keys never appear in a message.
 *
 * @example
 * const authenticate = createClientAuthentication({ clientId: "api", clientSecret });
 * const { headers, params } = await authenticate("https://id.example.com/");
 */
export function createClientAuthentication(
  credentials: IntrospectionClientCredentials,
): ClientAuthentication {
  const { clientId, clientSecret, privateKey } = credentials;
  if (typeof clientId !== "string" || clientId === "" || clientId.length > 1024) {
    throw new ConfigurationError(
      "Introspection needs this API's client id at the authorization server: set AUTH_CLIENT_ID.",
    );
  }
  const method =
    credentials.method ?? (privateKey === undefined ? "client_secret_basic" : "private_key_jwt");
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    throw new ConfigurationError(
      `AUTH_INTROSPECTION_AUTH_METHOD must be one of ${CLIENT_AUTH_METHODS.join(", ")}.`,
    );
  }
  if (method === "private_key_jwt") {
    if (privateKey === undefined) {
      throw new ConfigurationError(
        "private_key_jwt needs the client's private key: set AUTH_CLIENT_PRIVATE_KEY (PKCS#8 PEM or a JWK).",
      );
    }
    return assertionAuthentication(clientId, privateKey, credentials.assertionAlgorithm);
  }
  if (typeof clientSecret !== "string" || clientSecret === "") {
    throw new ConfigurationError(
      `${method} needs the client secret: set AUTH_CLIENT_SECRET (or AUTH_CLIENT_PRIVATE_KEY with AUTH_INTROSPECTION_AUTH_METHOD=private_key_jwt).`,
    );
  }
  if (method === "client_secret_post") {
    const parts = { headers: {}, params: { client_id: clientId, client_secret: clientSecret } };
    return async () => parts;
  }
  // RFC 6749 §2.3.1: each part form-urlencoded before the Base64 step.
  const basic = btoa(utf8Binary(`${formEncode(clientId)}:${formEncode(clientSecret)}`));
  const parts = { headers: { authorization: `Basic ${basic}` }, params: {} };
  return async () => parts;
}

function assertionAuthentication(
  clientId: string,
  privateKey: string | Record<string, unknown>,
  configuredAlg: string | undefined,
): ClientAuthentication {
  const jwk = parseJwk(privateKey);
  if (
    jwk === undefined &&
    !(typeof privateKey === "string" && privateKey.includes("PRIVATE KEY"))
  ) {
    throw new ConfigurationError(
      "AUTH_CLIENT_PRIVATE_KEY must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a private JWK (JSON with `d`).",
    );
  }
  let key: Promise<Signing> | undefined;
  const load = () => {
    if (key === undefined) {
      const pending = importKey(jwk ?? (privateKey as string), configuredAlg);
      // A key that did not import is tried again on the next request.
      pending.catch(() => {
        if (key === pending) key = undefined;
      });
      key = pending;
    }
    return key;
  };
  // In the background: the first request does not wait for jose and the key import.
  load().catch(() => undefined);
  return async (audience) => {
    const [jose, signing] = await Promise.all([loadJose(), load()]);
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader({
        alg: signing.alg,
        typ: "JWT",
        ...(signing.kid ? { kid: signing.kid } : {}),
      })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
      .sign(signing.key);
    return {
      headers: {},
      params: {
        client_id: clientId,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      },
    };
  };
}

async function importKey(
  source: string | Record<string, unknown>,
  configuredAlg: string | undefined,
): Promise<Signing> {
  const { importJWK, importPKCS8 } = await loadJose();
  try {
    if (typeof source !== "string") {
      const alg = configuredAlg ?? jwkAlgorithm(source);
      const kid = typeof source.kid === "string" ? source.kid : undefined;
      const key = await importJWK(source as Parameters<typeof importJWK>[0], alg);
      return kid === undefined ? { key, alg } : { key, alg, kid };
    }
    const pem = source.replace(/\\n/g, "\n");
    for (const alg of configuredAlg === undefined ? PEM_ALGORITHMS : [configuredAlg]) {
      try {
        return { key: await importPKCS8(pem, alg), alg };
      } catch {
        // the next algorithm's key type
      }
    }
  } catch (cause) {
    throw upstreamError(
      "AUTH_CLIENT_PRIVATE_KEY could not be imported for private_key_jwt; check that it is a private key of RSA, EC (P-256/384/521) or Ed25519 type.",
      cause,
    );
  }
  throw upstreamError(
    "AUTH_CLIENT_PRIVATE_KEY could not be imported for private_key_jwt; check that it is a PKCS#8 private key of RSA, EC (P-256/384/521) or Ed25519 type.",
  );
}

function parseJwk(source: string | Record<string, unknown>): Record<string, unknown> | undefined {
  let value: unknown = source;
  if (typeof source === "string") {
    if (!source.trim().startsWith("{")) return undefined;
    try {
      value = JSON.parse(source);
    } catch {
      throw new ConfigurationError(
        "AUTH_CLIENT_PRIVATE_KEY starts with { but is not valid JSON (a JWK).",
      );
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const jwk = value as Record<string, unknown>;
  if (typeof jwk.d !== "string") {
    throw new ConfigurationError(
      "AUTH_CLIENT_PRIVATE_KEY is a public JWK (no `d`): give the client's private key.",
    );
  }
  return jwk;
}

function jwkAlgorithm(jwk: Record<string, unknown>): string {
  if (typeof jwk.alg === "string") return jwk.alg;
  if (jwk.kty === "RSA") return "RS256";
  if (jwk.kty === "OKP") return "EdDSA";
  if (jwk.kty === "EC") {
    const curve = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[String(jwk.crv)];
    if (curve !== undefined) return curve;
  }
  throw new ConfigurationError(
    "AUTH_CLIENT_PRIVATE_KEY: the JWK's key type has no default algorithm; add `alg` to the JWK.",
  );
}

/** `application/x-www-form-urlencoded` encoding of one value (space as `+`). */
export function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

function utf8Binary(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join("");
}
