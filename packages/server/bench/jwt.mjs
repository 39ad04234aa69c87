// Local JWT mode against the peers, one Express 5 route, RS256 tokens, JWKS from a 127.0.0.1
// provider: (1) cache hit — one token for the whole run; (2) cache miss — a pool of distinct
// tokens larger than the cache, cycled, so every request is verified from scratch.
import { generateKeyPairSync, sign } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { compare, describeRuns, formatRatio, printTable } from "./lib.mjs";

const SERVER = new URL("./jwt-server.mjs", import.meta.url);
const AUDIENCE = "https://api.bench.example";
const HIT_VARIANTS = (
  process.env.BENCH_JWT_VARIANTS ??
  "sdk-loaded,floor,ours,fast-jwt,jose,express-oauth2-jwt-bearer,aws-jwt-verify,express-jwt"
).split(",");
const MISS_VARIANTS = ["ours", "jose"];
const MISS_POOL = Number(process.env.BENCH_JWT_MISS_POOL ?? 4096);

/** A minimal OpenID provider: discovery and the JWKS (also at /.well-known/jwks.json). */
async function startProvider(publicJwk) {
  const server = createServer((req, res) => {
    const body =
      req.url === "/.well-known/openid-configuration"
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : req.url === "/jwks" || req.url === "/.well-known/jwks.json"
          ? { keys: [publicJwk] }
          : undefined;
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}

function signer(privateKey, issuer) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = b64({ alg: "RS256", kid: "bench-key", typ: "JWT" });
  const now = Math.floor(Date.now() / 1000);
  return (sub) => {
    const claims = { iss: issuer, aud: AUDIENCE, sub, iat: now, exp: now + 3600, scope: "read" };
    const input = `${header}.${b64(claims)}`;
    return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
  };
}

/** Autocannon load for one variant: a static header, or `tokens` cycled one per request. */
function loadFor(tokens) {
  if (tokens.length === 1)
    return { path: "/hello", headers: { authorization: `Bearer ${tokens[0]}` } };
  let next = 0;
  const setupRequest = (request) => {
    request.headers = { authorization: `Bearer ${tokens[next++ % tokens.length]}` };
    return request;
  };
  return { path: "/hello", requests: [{ setupRequest }] };
}

/** All variants side by side in one interleaved comparison (see lib.mjs `compare`). */
function compareVariants(variants, tokensFor, env) {
  return compare({
    script: SERVER,
    args: [],
    env,
    variants: variants.map((name) => ({ name, load: loadFor(tokensFor(name)) })),
  });
}

const LABELS = {
  none: "no auth",
  "sdk-loaded": "no auth, @org/auth-server loaded (control)",
  floor: "floor: read header + sha256 + attach a user (control)",
  ours: "**@org/auth-server** (local JWT)",
  "fast-jwt": "fast-jwt (+ get-jwks, cache on)",
  jose: "jose (createRemoteJWKSet + jwtVerify)",
  "express-oauth2-jwt-bearer": "express-oauth2-jwt-bearer",
  "aws-jwt-verify": "aws-jwt-verify",
  "express-jwt": "express-jwt + jwks-rsa",
};

function rows(result, variants) {
  return variants.map((variant) => [
    LABELS[variant] ?? variant,
    Math.round(result[variant].rps).toString(),
    formatRatio(result[variant]),
    result[variant].cpuPerRequest.toFixed(1),
    result[variant].cpuRatio.toFixed(2),
  ]);
}

export async function run() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicJwk = {
    ...publicKey.export({ format: "jwk" }),
    kid: "bench-key",
    alg: "RS256",
    use: "sig",
  };
  const provider = await startProvider(publicJwk);
  const env = {
    NODE_ENV: "production",
    ISSUER: provider.issuer,
    AUDIENCE,
    JWKS_URL: `${provider.issuer}/jwks`,
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: AUDIENCE,
  };
  const mint = signer(privateKey, provider.issuer);
  const header = [
    "Express 5 route",
    "req/s",
    "vs no auth (req/s), median (range over rounds)",
    "server CPU µs/req",
    "vs no auth (CPU)",
  ];
  try {
    console.log(`\n## Local JWT (RS256), cache hit: ${describeRuns()}\n`);
    const hitToken = [mint("bench-user")];
    // Every variant, no auth included, gets byte-identical requests (the no-auth route ignores the
    // header), so the ratio is the cost of auth, not of parsing a longer request.
    const hit = await compareVariants(["none", ...HIT_VARIANTS], () => hitToken, env);
    printTable(header, rows(hit, ["none", ...HIT_VARIANTS]));

    console.log(
      `\n## Local JWT (RS256), cache miss: ${MISS_POOL} distinct tokens cycled (more than the cache holds), so every request verifies a signature\n`,
    );
    const pool = Array.from({ length: MISS_POOL }, (_, i) => mint(`user-${i}`));
    const miss = await compareVariants(["none", ...MISS_VARIANTS], () => pool, env);
    printTable(header, rows(miss, ["none", ...MISS_VARIANTS]));
    console.log(
      `\nours / jose on a cache miss: ${(miss.ours.rpsRatio / miss.jose.rpsRatio).toFixed(2)} (req/s), ${(miss.ours.cpuRatio / miss.jose.cpuRatio).toFixed(2)} (CPU)`,
    );
  } finally {
    await provider.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
