// Local JWT mode against the peers, one Express 5 route, RS256 tokens, JWKS from a 127.0.0.1
// provider: (1) cache hit — one token for the whole run; (2) cache miss — a pool of distinct
// tokens larger than the cache, cycled, so every request is verified from scratch.
import { generateKeyPairSync, sign } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { CONNECTIONS, cannon, DURATION, printTable, ROUNDS, startServer, WARMUP } from "./lib.mjs";

const SERVER = new URL("./jwt-server.mjs", import.meta.url);
const AUDIENCE = "https://api.bench.example";
const HIT_VARIANTS = (
  process.env.BENCH_JWT_VARIANTS ??
  "ours,fast-jwt,jose,express-oauth2-jwt-bearer,aws-jwt-verify,express-jwt"
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

/** One bounded run after a warm-up; `tokens` are cycled, one per request (static when one). */
async function measure(server, tokens) {
  let next = 0;
  const common = { url: `${server.url}/hello`, connections: CONNECTIONS };
  if (tokens.length === 1) common.headers = { authorization: `Bearer ${tokens[0]}` };
  else {
    common.requests = [
      {
        setupRequest: (request) => {
          request.headers = { authorization: `Bearer ${tokens[next++ % tokens.length]}` };
          return request;
        },
      },
    ];
  }
  await cannon({ ...common, duration: WARMUP });
  const cpuBefore = await server.cpu();
  const result = await cannon({ ...common, duration: DURATION });
  const cpuUsed = (await server.cpu()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${common.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { rps: result.requests.average, cpuPerRequest: cpuUsed / result.requests.total };
}

/** Best of ROUNDS per variant, rotating the order each round so machine drift hits all alike. */
async function compare(variants, tokensFor, env) {
  const best = Object.fromEntries(variants.map((v) => [v, { rps: 0, cpuPerRequest: Infinity }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const variant of order) {
      const server = await startServer(SERVER, [variant], env);
      try {
        const { rps, cpuPerRequest } = await measure(server, tokensFor(variant));
        best[variant].rps = Math.max(best[variant].rps, rps);
        best[variant].cpuPerRequest = Math.min(best[variant].cpuPerRequest, cpuPerRequest);
      } finally {
        await server.close();
      }
    }
  }
  return best;
}

const LABELS = {
  none: "no auth",
  ours: "**@org/auth-server** (local JWT)",
  "fast-jwt": "fast-jwt (+ get-jwks, cache on)",
  jose: "jose (createRemoteJWKSet + jwtVerify)",
  "express-oauth2-jwt-bearer": "express-oauth2-jwt-bearer",
  "aws-jwt-verify": "aws-jwt-verify",
  "express-jwt": "express-jwt + jwks-rsa",
};

function rows(best, variants) {
  const base = best.none;
  return variants.map((variant) => [
    LABELS[variant] ?? variant,
    Math.round(best[variant].rps).toString(),
    (best[variant].rps / base.rps).toFixed(2),
    best[variant].cpuPerRequest.toFixed(1),
    (base.cpuPerRequest / best[variant].cpuPerRequest).toFixed(2),
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
    "vs no auth (req/s)",
    "server CPU µs/req",
    "vs no auth (CPU)",
  ];
  try {
    console.log(
      `\n## Local JWT (RS256), cache hit: ${DURATION}s per run after a warm-up, ${CONNECTIONS} connections, best of ${ROUNDS} rounds\n`,
    );
    const hitToken = [mint("bench-user")];
    const hit = await compare(
      ["none", ...HIT_VARIANTS],
      (v) => (v === "none" ? [""] : hitToken),
      env,
    );
    printTable(header, rows(hit, ["none", ...HIT_VARIANTS]));

    console.log(
      `\n## Local JWT (RS256), cache miss: ${MISS_POOL} distinct tokens cycled (more than the cache holds), so every request verifies a signature\n`,
    );
    const pool = Array.from({ length: MISS_POOL }, (_, i) => mint(`user-${i}`));
    const miss = await compare(
      ["none", ...MISS_VARIANTS],
      (v) => (v === "none" ? [""] : pool),
      env,
    );
    printTable(header, rows(miss, ["none", ...MISS_VARIANTS]));
    console.log(
      `\nours / jose on a cache miss: ${(miss.ours.rps / miss.jose.rps).toFixed(2)} (req/s)`,
    );
  } finally {
    await provider.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
