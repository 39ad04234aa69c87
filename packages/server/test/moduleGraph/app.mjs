// A consumer of the built package: imports the Express entry, creates an Auth in the mode named
// by argv[2] ("proxy", "jwt" with a shared secret, "jwks": RS256 keys from discovery on a local
// provider, or "proxy-live": a local get-me that answers) and authenticates one request, then
// prints the answer's status and how many times the SDK called the global fetch. "proxy-live"
// authenticates a second token once the transport had time to switch to undici, and prints that
// answer's status too.
import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createAuth } from "@org/auth-server";
import "@org/auth-server/express";

const SECRET = "module-graph-test-secret-of-32-bytes!";
const ISSUER = "https://issuer.test";

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

function hs256(claims) {
  const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/** A get-me on a free loopback port: every token is the user u1. */
async function startProxy() {
  const server = createServer((_req, res) => {
    const body = { id: "u1", email: "u1@example.com" };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

/** An OpenID provider on a free loopback port: discovery and one RS256 key. */
async function startProvider() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" };
  const server = createServer((req, res) => {
    const body =
      req.url === "/.well-known/openid-configuration"
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : { keys: [jwk] };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const rs256 = (claims) => {
    const input = `${b64url({ alg: "RS256", kid: "k1", typ: "JWT" })}.${b64url(claims)}`;
    return `${input}.${createSign("sha256").update(input).sign(privateKey, "base64url")}`;
  };
  return { issuer, rs256 };
}

const claims = (iss) => ({
  iss,
  aud: "api",
  sub: "u1",
  email: "u1@example.com",
  exp: Date.now() / 1000 + 600,
});
const mode = process.argv[2];
const provider = mode === "jwks" ? await startProvider() : undefined;
const proxyUrl = mode === "proxy-live" ? await startProxy() : "http://127.0.0.1:9";
const env =
  mode === "jwt"
    ? {
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: "api",
        AUTH_JWT_SECRET: SECRET,
        AUTH_ALGORITHMS: "HS256",
      }
    : mode === "jwks"
      ? { AUTH_ISSUER: provider.issuer, AUTH_AUDIENCE: "api" }
      : // Port 9 (discard) refuses the connection: the request goes out and answers 502.
        { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: proxyUrl };
let fetchCalls = 0;
const fetch = globalThis.fetch;
globalThis.fetch = (...args) => {
  fetchCalls += 1;
  return fetch(...args);
};
const auth = createAuth({ env, redis: false, logger: { warn() {}, error() {} } });
const token =
  mode === "jwt"
    ? hs256(claims(ISSUER))
    : mode === "jwks"
      ? provider.rs256(claims(provider.issuer))
      : "some-opaque-token";
/** Resolves once undici's modules were recorded (or after 15 s), else after a short pause. */
async function settle() {
  const expectsUndici =
    mode === "proxy-live" || mode === "proxy"
      ? !(process.env.MODULE_GRAPH_MISSING ?? "").split(",").includes("undici") &&
        !process.execArgv.some((arg) => arg.startsWith("--conditions="))
      : false;
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  if (!expectsUndici) return pause(500);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (readFileSync(process.env.MODULE_GRAPH_FILE, "utf8").includes("/node_modules/undici/")) {
      // The rest of undici's graph loads in the same tick as its first module.
      return pause(100);
    }
    await pause(25);
  }
}

const { user, error } = await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
// What loaded before this line was needed for the first answer (a cold start waits for it).
appendFileSync(process.env.MODULE_GRAPH_FILE, "first-answer\n");
// Proxy mode with undici installed switches to it in the background: wait until its modules
// have loaded (a loaded machine can take seconds), not for a fixed time. Elsewhere, anything
// loaded in the background after the first request would show up within this pause.
await settle();
const later =
  mode === "proxy-live"
    ? await auth.authenticate({ headers: { authorization: "Bearer another-opaque-token" } })
    : undefined;
const status = (answer) => (answer.error ? answer.error.status : 200);
console.log(
  JSON.stringify({
    status: status({ error }),
    email: user?.email ?? null,
    fetchCalls,
    ...(later ? { laterStatus: status(later) } : {}),
  }),
);
process.exit(0);
