// `node bench/jwt-miss-breakdown.mjs` (against dist/): where a local-JWT cache miss spends its CPU,
// in-process and without sockets. Distinct RS256 tokens, 16 verifications in flight; server CPU
// (all threads: WebCrypto verifies on the libuv pool) per verification for bare jose, for the
// validator alone, and for the whole Auth (cache, single flight, claim mapping). Medians of rounds
// after two warm-up rounds, variants alternating so that drift hits all of them.
import { createAuth, createJwtValidator } from "@org/auth-server";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startRsaIssuer } from "./rsaIssuer.mjs";

const TOKENS = 3000;
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const AUDIENCE = "https://api.bench.example";
const quiet = { warn() {}, error() {} };

const { issuer, server: provider, token: signToken } = await startRsaIssuer();
const now = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: TOKENS }, (_, i) => {
  const claims = { iss: issuer, aud: AUDIENCE, sub: `u${i}`, iat: now, exp: now + 3600 };
  return signToken(claims);
});

const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const joseOptions = { issuer, audience: AUDIENCE, algorithms: ["RS256"] };
const validator = createJwtValidator({ issuer, audience: AUDIENCE, logger: quiet });
// The default cache holds 1,024 entries: 3,000 tokens cycled never hit.
const auth = createAuth({ validator, logger: quiet });
const variants = {
  "jose (jwtVerify + createRemoteJWKSet)": (token) => jwtVerify(token, jwks, joseOptions),
  "@org/auth-server validator alone": (token) => validator.verify(token),
  "@org/auth-server Auth (getCurrentUser)": (token) =>
    auth.getCurrentUser({ headers: { authorization: `Bearer ${token}` } }),
};

async function cpuPerVerification(verify) {
  const before = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) await verify(tokens[next++]);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / tokens.length;
}

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 2; round++) {
  for (const [name, verify] of Object.entries(variants)) {
    const cpu = await cpuPerVerification(verify);
    if (round >= 2) samples[name].push(cpu);
  }
}
console.log("| variant | CPU µs per verification (median) |\n| --- | --- |");
for (const [name, values] of Object.entries(samples)) {
  const sorted = values.sort((a, b) => a - b);
  console.log(`| ${name} | ${sorted[sorted.length >> 1].toFixed(1)} |`);
}
provider.close();
await auth.close();
