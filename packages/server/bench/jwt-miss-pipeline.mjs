// `node bench/jwt-miss-pipeline.mjs` (against dist/): what the SDK's guard costs on a JWT cache
// miss apart from its validator, without the signature check and WebCrypto's thread pool, so
// that a few µs are measurable on a noisy machine. A stand-in validator answers what the real
// JwtValidator answered for each token beforehand; one request at a time; CPU µs per miss.
// Variants: the SDK's guard (`requireScope("read")` of /node: header, cache key, lookup, single
// flight, limiter slot, revocation facts, the LRU inserts, the request's state) and the floor a
// cache adds on a miss (sha256 of the token, one LRU insert of the answer). Both look the answer
// up in the same table by token, so that lookup costs them alike. Medians of 10 rounds (or
// BENCH_ROUNDS) after 4 warm-up rounds, variants alternating.
import { hash } from "node:crypto";
import { createAuth, createJwtValidator } from "@org/auth-server";
import { requireScope } from "@org/auth-server/node";
import { LRUCache } from "lru-cache";
import { startRsaIssuer } from "./rsaIssuer.mjs";

const TOKENS = 4096;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const AUDIENCE = "https://api.bench.example";
const quiet = { warn() {}, error() {} };

const { issuer, server: provider, token: signToken } = await startRsaIssuer();
const now = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: TOKENS }, (_, i) =>
  signToken({ iss: issuer, aud: AUDIENCE, sub: `u${i}`, iat: now, exp: now + 3600, scope: "read" }),
);
const validator = createJwtValidator({ issuer, audience: AUDIENCE, logger: quiet });
const answers = new Map();
for (const token of tokens) answers.set(token, await validator.verify(token));

// The stand-in: the real validator's identity and answers, no signature check.
const standIn = {
  name: "jwt",
  identity: validator.identity,
  verify: async (token) => answers.get(token),
  hasPermission: async () => false,
};
// The default cache holds 1,024 entries: 4,096 tokens cycled never hit.
const auth = createAuth({ env: {}, validator: standIn, logger: quiet });
const guard = requireScope("read", { auth });
const headers = tokens.map((token) => ({ authorization: `Bearer ${token}` }));
const floorCache = new LRUCache({ max: 1024 });

const VARIANTS = {
  "floor: sha256 of the token + one LRU insert": async (i) => {
    const token = headers[i].authorization.slice(7);
    const verification = answers.get(token);
    floorCache.set(hash("sha256", token, "binary"), { verification, expiresAt: 0 });
    return verification;
  },
  "@org/auth-server requireScope, validator stood in": (i) => guard({ headers: headers[i] }),
};

async function cpuPerMiss(variant) {
  const before = process.cpuUsage();
  for (let i = 0; i < TOKENS; i++) await variant(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / TOKENS;
}

const names = Object.keys(VARIANTS);
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 4; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const cpu = await cpuPerMiss(VARIANTS[name]);
    if (round >= 4) samples[name].push(cpu);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log("| JWT cache miss without the signature check | CPU µs per miss |");
console.log("| --- | --- |");
for (const name of names) console.log(`| ${name} | ${median(samples[name]).toFixed(2)} |`);
provider.close();
await auth.close();
