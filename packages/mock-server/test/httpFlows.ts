// Plain-fetch flows against a running mock (real HTTP): the OpenID provider and the proxy API.
import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { MockServer } from "../src/node/startMockServer.js";

export const REDIRECT = "http://127.0.0.1:3999/callback";
const BASIC = `Basic ${Buffer.from("mock-client:mock-client-secret").toString("base64")}`;

/** An OpenID token response. */
export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

/** POST a form to the provider as the confidential `mock-client`. */
export function postForm(server: MockServer, path: string, form: Record<string, string>) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: BASIC },
    body: new URLSearchParams(form),
  });
}

/** `GET /oidc/authorize` (auto login) for `mock-client` with PKCE; the code and its verifier. */
export async function authorize(server: MockServer, extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "mock-client",
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state: "st",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  });
  const res = await fetch(`${server.url}/oidc/authorize?${query}`, { redirect: "manual" });
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get("location") as string).searchParams.get("code");
  expect(code).toBeTruthy();
  return { code: code as string, verifier };
}

/** Redeem a code at `/oidc/token`; the raw response. */
export function redeem(server: MockServer, code: string, verifier: string) {
  return postForm(server, "/oidc/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
}

/** A full code flow: the tokens of a fresh grant. */
export async function codeFlow(server: MockServer, extra: Record<string, string> = {}) {
  const { code, verifier } = await authorize(server, extra);
  const res = await redeem(server, code, verifier);
  expect(res.status).toBe(200);
  return { tokens: (await res.json()) as Tokens, code, verifier };
}

/** The refresh_token grant; the raw response. */
export function oidcRefresh(server: MockServer, refreshToken: string) {
  return postForm(server, "/oidc/token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  });
}

/** `GET /_oxa_auth/get-me` with a bearer token; the status. */
export async function getMe(server: MockServer, token: string): Promise<number> {
  const res = await fetch(`${server.url}/_oxa_auth/get-me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

/** `POST /_oxa_auth/test-app-permission/{name}` with a bearer token; the status. */
export async function permission(server: MockServer, token: string, name = "read") {
  const res = await fetch(`${server.url}/_oxa_auth/test-app-permission/${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

/** The proxy API's refresh-cookie value in a response. */
export function refreshCookie(server: MockServer, res: Response): string {
  const name = server.mock.settings.refreshCookieName;
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? "";
  return line.slice(name.length + 1).split(";")[0] as string;
}

/** A proxy-API login (in process) and its token exchange over HTTP: access + refresh token. */
export async function proxySignIn(server: MockServer, state = randomBytes(16).toString("hex")) {
  const message = await server.completeLogin({ state, origin: server.url });
  const code = message.type === "OXA_AUTH_SUCCESS" ? message.code : "";
  const res = await fetch(`${server.url}/_oxa_auth/token-exchange`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  const refresh = refreshCookie(server, res);
  return { access: ((await res.json()) as { access_token: string }).access_token, refresh };
}

/** `POST /_oxa_auth/refresh` with a refresh cookie; the raw response. */
export function proxyRefresh(server: MockServer, refreshToken: string) {
  const name = server.mock.settings.refreshCookieName;
  return fetch(`${server.url}/_oxa_auth/refresh`, {
    method: "POST",
    headers: { cookie: `${name}=${refreshToken}` },
  });
}
