import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** The API's audience: access tokens are JWTs for this resource. */
export const API_AUDIENCE = "https://api.example/fleet";
export const RP = { id: "web-app", secret: "web-app-secret-0123456789-0123456789" };
const REDIRECT_URI = "http://127.0.0.1:1/callback";

/** oidc-provider on 127.0.0.1 with sessions, RP-initiated and back-channel logout enabled. */
export interface SessionProvider {
  issuer: string;
  /** Signs `account` in through the authorization endpoint: its access token and session id. */
  signIn(account: string): Promise<{ accessToken: string; sid: string; end: () => Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Starts a real, certified OpenID provider whose client `web-app` registers `backchannelUri`.
 * Access tokens carry `sid` (as Keycloak's and Authentik's do), so a session's logout can name them.
 */
export async function startSessionProvider(backchannelUri: string): Promise<SessionProvider> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: {
      keys: [{ ...privateKey.export({ format: "jwk" }), kid: "es", alg: "ES256", use: "sig" }],
    },
    clients: [
      {
        client_id: RP.id,
        client_secret: RP.secret,
        redirect_uris: [REDIRECT_URI],
        post_logout_redirect_uris: [],
        backchannel_logout_uri: backchannelUri,
        backchannel_logout_session_required: true,
        id_token_signed_response_alg: "ES256",
      },
    ],
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "openid",
          audience: API_AUDIENCE,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { sid?: string }) =>
      token.sid ? { sid: token.sid } : undefined,
    // The provider refuses to post to loopback (its SSRF guard); the relying parties here are all
    // on 127.0.0.1, so its outgoing requests go out without that guard's dispatcher.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) =>
      globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit),
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  server.on("request", provider.callback());
  for (const event of ["backchannel.error", "server_error", "end_session.error"]) {
    provider.on(event, (...args: unknown[]) =>
      console.error(event, ...args.filter((a) => a instanceof Error)),
    );
  }

  return {
    issuer,
    signIn: (account) => signInThrough(issuer, account),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A browser's cookie jar, just enough for the provider's session and interaction cookies. */
class Jar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
}

async function step(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    signal: AbortSignal.timeout(5000),
  });
  jar.store(response);
  return response;
}

async function signInThrough(issuer: string, account: string) {
  const jar = new Jar();
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: RP.id,
    response_type: "code",
    scope: "openid",
    redirect_uri: REDIRECT_URI,
    resource: API_AUDIENCE,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const started = await step(jar, authorize.href);
  await started.arrayBuffer();
  let interaction = started.headers.get("location") ?? "";
  await (await step(jar, new URL(interaction, issuer).href)).arrayBuffer();
  let next = await postInteraction(jar, issuer, interaction, { prompt: "login", login: account });
  interaction = next.headers.get("location") ?? "";
  if (interaction.includes("/interaction/")) {
    await (await step(jar, new URL(interaction, issuer).href)).arrayBuffer();
    next = await postInteraction(jar, issuer, interaction, { prompt: "consent" });
  }
  const callback = new URL(next.headers.get("location") ?? "", issuer);
  const code = callback.searchParams.get("code");
  if (callback.origin === issuer || !code) {
    throw new Error(`sign-in did not reach the client: ${callback.href}`);
  }
  const token = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${RP.id}:${RP.secret}`).toString("base64")}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      resource: API_AUDIENCE,
    }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await token.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  const claims = JSON.parse(
    Buffer.from(body.access_token.split(".")[1] ?? "", "base64url").toString(),
  ) as { sid?: string };
  if (!claims.sid) throw new Error("the access token carries no sid");
  return { accessToken: body.access_token, sid: claims.sid, end: () => endSession(jar, issuer) };
}

/** Follows the provider's redirects within itself (GET, keeping cookies). */
async function postInteraction(
  jar: Jar,
  issuer: string,
  interaction: string,
  fields: Record<string, string>,
): Promise<Response> {
  let response = await step(jar, new URL(interaction, issuer).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  // The provider sends the browser back to /auth/<uid>, which resumes the authorization.
  while (response.status >= 300 && response.status < 400) {
    const location = new URL(response.headers.get("location") ?? "", issuer);
    if (location.origin !== issuer || location.pathname.startsWith("/interaction/")) break;
    await response.arrayBuffer();
    response = await step(jar, location.href);
  }
  return response;
}

/** RP-initiated logout as a browser does it: the confirmation form, then "yes". */
async function endSession(jar: Jar, issuer: string): Promise<void> {
  const form = await step(jar, `${issuer}/session/end?client_id=${RP.id}`);
  const html = await form.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!xsrf) throw new Error(`no logout form: ${form.status} ${html.slice(0, 200)}`);
  const confirm = await step(jar, `${issuer}/session/end/confirm`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ xsrf, logout: "yes" }),
  });
  await confirm.arrayBuffer();
  if (confirm.status >= 400) throw new Error(`logout confirm answered ${confirm.status}`);
}
