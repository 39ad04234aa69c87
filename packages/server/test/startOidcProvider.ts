import { createServer, type IncomingMessage } from "node:http";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { type ResourceServer } from "oidc-provider";
import { expect } from "vitest";
import { listen } from "./listen.js";

type Alg = "RS256" | "ES256";

/** The one client every provider knows; it asks for tokens with client credentials. */
export const CLIENT = { id: "svc", secret: "svc-secret-0123456789-0123456789" };

/** How the provider differs between the interop tests. */
export interface OidcProviderOptions {
  /** Its signing keys; the first also signs ID tokens. */
  keys: readonly { alg: Alg; kid: string }[];
  /** The scopes the client may ask for (all of them granted). */
  scopes: readonly string[];
  /** The resource a token request without one gets. */
  defaultResource: string;
  /** The algorithm of a resource's access tokens. Default: the first key's. */
  signingAlg?: (resource: string) => Alg;
}

/** A real, certified OpenID provider (oidc-provider) on 127.0.0.1, issuing JWT access tokens. */
export interface OidcProvider {
  issuer: string;
  /** The private JWK of its first key (to forge tokens of other issuers with its key). */
  privateJwk: JWK;
  /**
   * Client credentials for `resource`; with `dpop` (a proof for the token endpoint) the token
   * is bound to the proof's key. Asserts that a token of the asked-for type came back.
   */
  token(resource: string, request?: { scope?: string; dpop?: string }): Promise<string>;
  /** Requests other than the test's own token requests: discovery and JWKS fetches. */
  served(): number;
  close(): Promise<void>;
}

/** Starts an {@link OidcProvider} whose access tokens are JWTs for any resource asked for. */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const keys: JWK[] = [];
  for (const { alg, kid } of options.keys) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid, alg, use: "sig" });
  }
  const firstAlg = options.keys[0]?.alg ?? "RS256";
  const signingAlg = options.signingAlg ?? (() => firstAlg);
  const scope = options.scopes.join(" ");
  const server = createServer();
  const app = await listen(server);
  const provider = new Provider(app.url, {
    jwks: { keys },
    scopes: options.scopes,
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope,
        // The default (RS256) fails client validation where the provider has no RS256 key.
        id_token_signed_response_alg: firstAlg,
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // On by default too: a token request with a proof gets a token bound to the proof's key.
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string): ResourceServer => ({
          scope,
          audience: indicator,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: signingAlg(indicator) } },
        }),
      },
    },
    ttl: { ClientCredentials: 300 },
  });
  const paths: string[] = [];
  const callback = provider.callback();
  server.on("request", (req: IncomingMessage, res) => {
    paths.push(req.url ?? "");
    callback(req, res);
  });
  return {
    issuer: app.url,
    privateJwk: keys[0] as JWK,
    token: (resource, request = {}) => requestToken(app.url, resource, request),
    served: () => paths.filter((path) => !path.startsWith("/token")).length,
    close: app.close,
  };
}

async function requestToken(
  issuer: string,
  resource: string,
  { scope = "read", dpop }: { scope?: string; dpop?: string },
): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`,
      ...(dpop === undefined ? {} : { dpop }),
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
  });
  const body = (await res.json()) as { access_token: string; token_type: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.token_type).toBe(dpop === undefined ? "Bearer" : "DPoP");
  return body.access_token;
}
