import { KeyObject, sign as nodeSign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** A signing key of the fake provider, with its public JWK as published in the JWKS. */
export interface FixtureKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates an extractable key pair and its public JWK (`use: "sig"`, `alg`, `kid`). */
export async function makeKey(alg: string, kid: string): Promise<FixtureKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk };
}

/** A minimal OpenID provider on 127.0.0.1:0 serving discovery and a JWKS, counting requests. */
export interface FakeIdp {
  issuer: string;
  jwksUrl: string;
  hits: { discovery: number; jwks: number };
  /** The JWKS body served (replace to rotate keys). */
  jwks: { keys: unknown[] };
  /** When set, every request gets this status (simulates an outage). */
  failWith: number | undefined;
  /** Extra fields merged into the discovery document (e.g. a wrong issuer). */
  discoveryOverrides: Record<string, unknown>;
  /** Artificial latency per request, ms. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startFakeIdp(keys: FixtureKey[], path = "/realms/test"): Promise<FakeIdp> {
  const server = createServer((req, res) => void handle(idp, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}${path}`;
  const idp: FakeIdp = {
    issuer,
    jwksUrl: `${issuer.replace(/\/$/, "")}/jwks`,
    hits: { discovery: 0, jwks: 0 },
    jwks: { keys: keys.map((key) => key.publicJwk) },
    failWith: undefined,
    discoveryOverrides: {},
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}

/** Where the fake serves its JWKS: its own path, Keycloak's and Supabase's. */
const JWKS_PATHS = ["/jwks", "/protocol/openid-connect/certs", "/.well-known/jwks.json"];

async function handle(idp: FakeIdp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", idp.issuer).pathname;
  const issuerPath = new URL(idp.issuer).pathname.replace(/\/$/, "");
  const isJwks = JWKS_PATHS.some((suffix) => path === `${issuerPath}${suffix}`);
  if (path === `${issuerPath}/.well-known/openid-configuration`) idp.hits.discovery++;
  else if (isJwks) idp.hits.jwks++;
  if (idp.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, idp.delayMs));
  if (idp.failWith !== undefined) {
    res.writeHead(idp.failWith).end("down");
    return;
  }
  if (path === `${issuerPath}/.well-known/openid-configuration`) {
    json(res, { issuer: idp.issuer, jwks_uri: idp.jwksUrl, ...idp.discoveryOverrides });
  } else if (isJwks) {
    json(res, idp.jwks);
  } else {
    res.writeHead(404).end();
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Signs an access token; `claims` override the defaults, `header` adds protected header fields. */
export async function signToken(
  key: FixtureKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 300, sub: "user-1", ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

/** The environment of JWT mode against the fake provider (its issuer and JWKS), plus `extra`. */
export function jwtModeEnv(
  idp: FakeIdp,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { AUTH_PROVIDER: "jwt", AUTH_ISSUER: idp.issuer, AUTH_JWKS_URL: idp.jwksUrl, ...extra };
}

/**
 * Signs an OpenID back-channel logout token (typ logout+jwt, the logout event, a fresh jti and
 * iat); `claims` add `sid` / `sub` or override any claim.
 */
export function signLogoutToken(
  key: FixtureKey,
  issuer: string,
  audience: string,
  claims: Record<string, unknown>,
): Promise<string> {
  return new SignJWT({
    iss: issuer,
    aud: audience,
    jti: `jti-${Math.random()}`,
    events: { "http://schemas.openid.net/event/backchannel-logout": {} },
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "logout+jwt" })
    .setIssuedAt()
    .sign(key.privateKey);
}

/** base64url of a JSON value or raw string, for hand-built (unsigned or tampered) tokens. */
export function b64(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return Buffer.from(text).toString("base64url");
}

/**
 * Signs header + payload by hand with an RS256 key, bypassing jose's own checks (to build tokens
 * jose would refuse to produce, e.g. with an unknown `crit`).
 */
export function signRawRs256(key: FixtureKey, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = nodeSign("sha256", Buffer.from(input), KeyObject.from(key.privateKey));
  return `${input}.${signature.toString("base64url")}`;
}
