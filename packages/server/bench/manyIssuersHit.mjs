// In-process CPU µs per cache hit through the Web Request entry, one issuer against three and a
// resolver keyed by host (tokens of equal length, one build): `node bench/manyIssuersHit.mjs`
// after `pnpm build`. Rounds interleave the modes so drift hits them alike; medians are printed.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const { createAuth } = await import(join(dist, "index.js"));
const { getCurrentUser } = await import(join(dist, "node.js"));

const { privateKey, publicKey } = await generateKeyPair("ES256");
const jwk = { ...(await exportJWK(publicKey)), kid: "k", alg: "ES256", use: "sig" };
const server = createServer((req, res) =>
  res.end(JSON.stringify(req.url?.endsWith("/jwks") ? { keys: [jwk] } : {})),
);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const jwksUrl = `${base}/jwks`;
const iss = (i) => `${base}/i${i}`;
const token = await new SignJWT({ sub: "u", aud: "api", iss: iss(1) })
  .setProtectedHeader({ alg: "ES256", kid: "k" })
  .setIssuedAt()
  .setExpirationTime("1h")
  .sign(privateKey);

const MODES = {
  "one issuer": { env: { AUTH_ISSUER: iss(1), AUTH_JWKS_URL: jwksUrl, AUTH_AUDIENCE: "api" } },
  "three issuers": {
    env: { AUTH_AUDIENCE: "api" },
    issuers: [1, 2, 3].map((i) => ({ issuer: iss(i), jwksUrl })),
  },
  "a resolver by host": {
    env: { AUTH_AUDIENCE: "api" },
    issuerResolver: async (_request, i) => (i === iss(1) ? { issuer: i, jwksUrl } : null),
  },
};
const request = new Request("https://app.example/me", {
  headers: { authorization: `Bearer ${token}`, host: "app.example" },
});

const samples = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, options] of Object.entries(MODES)) {
    const auth = createAuth({ ...options, logger: { warn() {} } });
    for (let i = 0; i < 20_000; i++) await getCurrentUser(request, { auth }); // warm-up
    const start = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await getCurrentUser(request, { auth });
    const used = process.cpuUsage(start);
    samples[name] = [...(samples[name] ?? []), (used.user + used.system) / CALLS];
    await auth.close();
  }
}
server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`CPU µs per cache hit, median (range) of ${ROUNDS} rounds × ${CALLS} calls`);
for (const [name, xs] of Object.entries(samples)) {
  console.log(
    `${name}: ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`,
  );
}
