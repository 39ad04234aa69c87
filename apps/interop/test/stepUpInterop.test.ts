// Step-up (RFC 9470) with independent software: oidc-provider, configured with acr values, signs
// users in at the level an authorization request asks for; @org/auth-server (AUTH_PROVIDER=jwt)
// answers its tokens with the RFC 9470 challenge, and re-authorizing with the challenge's
// acr_values / max_age yields a token it accepts.
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Auth, createAuth } from "@org/auth-server";
import { requireAuthLevel, toResponse } from "@org/auth-server/node";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const AUDIENCE = "https://api.example/workspaces";
const CLIENT = { id: "web-app", secret: "web-app-secret-0123456789-0123456789" };
const REDIRECT_URI = "http://127.0.0.1:1/callback";
const ACR_VALUES = ["pwd", "mfa"];

let server: Server;
let issuer: string;
let auth: Auth;
/** How long ago the next sign-in "happened" (seconds): the provider's login timestamp. */
let signedInSecondsAgo = 0;

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    acrValues: ACR_VALUES,
    jwks: {
      keys: [{ ...privateKey.export({ format: "jwk" }), kid: "es", alg: "ES256", use: "sig" }],
    },
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [REDIRECT_URI],
        id_token_signed_response_alg: "ES256",
      },
    ],
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "openid",
          audience: AUDIENCE,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
    // What the sign-in reached, from the authorization code: RFC 9068 access tokens may carry it.
    extraTokenClaims: (ctx: {
      oidc: { entities: { AuthorizationCode?: Record<string, unknown> } };
    }) => {
      const code = ctx.oidc.entities.AuthorizationCode;
      return code ? { acr: code.acr, auth_time: code.authTime } : undefined;
    },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  const handle = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return handle(req, res);
    // The login page: signs "ada" in at the strongest level asked for that the provider lists.
    void (async () => {
      const { params } = await provider.interactionDetails(req, res);
      const asked = (params.acr_values ?? "").split(" ");
      const acr = [...ACR_VALUES].reverse().find((value) => asked.includes(value)) ?? "pwd";
      const grant = new provider.Grant({ accountId: "ada", clientId: CLIENT.id });
      grant.addOIDCScope("openid");
      grant.addResourceScope(AUDIENCE, "openid");
      const ts = Math.floor(Date.now() / 1000) - signedInSecondsAgo;
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: "ada", acr, ts }, consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: unknown) => {
      console.error(error);
      res.writeHead(500).end();
    });
  });
  auth = createAuth({
    env: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: AUDIENCE },
    logger: { warn() {} },
  });
});

afterAll(async () => {
  await auth?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A browser's cookie jar, just enough for the provider's interaction cookies. */
function jar() {
  const cookies = new Map<string, string>();
  return async (url: string): Promise<Response> => {
    const response = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      signal: AbortSignal.timeout(5000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (pair && at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    await response.arrayBuffer();
    return response;
  };
}

/** The authorization code flow with `extra` parameters: the access token. */
async function authorize(extra: Record<string, string> = {}): Promise<string> {
  const get = jar();
  const query = new URLSearchParams({
    client_id: CLIENT.id,
    response_type: "code",
    scope: "openid",
    redirect_uri: REDIRECT_URI,
    resource: AUDIENCE,
    ...extra,
  });
  let location = `${issuer}/auth?${query}`;
  for (let hop = 0; hop < 8 && location.startsWith(issuer); hop++) {
    const response = await get(location);
    location = new URL(response.headers.get("location") ?? "", issuer).href;
  }
  const code = new URL(location).searchParams.get("code");
  if (!code) throw new Error(`no code: ${location}`);
  const token = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      resource: AUDIENCE,
    }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The guarded route's answer for `token`: 200, or the refusal's status and challenge. */
async function call(token: string) {
  const check = requireAuthLevel({ acr: ["mfa"], maxAge: 300 }, { auth });
  try {
    await check(
      new Request("http://api.test/v1/workspace/delete", {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    return { status: 200, challenge: null };
  } catch (error) {
    const res = toResponse(error);
    return { status: res.status, challenge: res.headers.get("www-authenticate") };
  }
}

/** The challenge's parameters, as a client reads them. */
function params(challenge: string | null): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, quoted, bare] of (challenge ?? "").matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g))
    found[name as string] = (quoted ?? bare) as string;
  return found;
}

describe("step-up against oidc-provider (AUTH_PROVIDER=jwt)", () => {
  it("the provider lists the acr values it can reach", async () => {
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
      acr_values_supported?: string[];
    };
    expect(doc.acr_values_supported).toEqual(ACR_VALUES);
  });

  it("a password sign-in is challenged; re-authorizing with the challenge's parameters passes", async () => {
    signedInSecondsAgo = 0;
    const weak = await call(await authorize());
    expect(weak.status).toBe(401);
    const asked = params(weak.challenge);
    expect(asked).toMatchObject({
      error: "insufficient_user_authentication",
      acr_values: "mfa",
      max_age: "300",
    });
    const stepped = await authorize({
      acr_values: asked.acr_values ?? "",
      max_age: asked.max_age ?? "",
    });
    expect(await call(stepped)).toEqual({ status: 200, challenge: null });
  });

  it("an mfa sign-in of an hour ago is refused as too old (its auth_time)", async () => {
    signedInSecondsAgo = 3600;
    const token = await authorize({ acr_values: "mfa" });
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(claims.acr).toBe("mfa");
    expect(Math.abs(claims.auth_time - (Math.floor(Date.now() / 1000) - 3600))).toBeLessThan(30);
    const stale = await call(token);
    expect(stale.status).toBe(401);
    expect(params(stale.challenge).error_description).toBe(
      "More recent authentication is required",
    );
  });
});
