// DPoP cost, in process (no sockets), one run: CPU µs per request for a cached token with a
// fresh DPoP proof, the same request with a Bearer token, and jose verifying the proof alone
// (jwtVerify with the embedded key, as a resource server without the SDK would). Proofs are
// signed before the clock starts; every request is a cache hit for its token.
// `pnpm --filter @org/auth-server bench` (after `pnpm build`); BENCH_DPOP_REQUESTS, BENCH_ROUNDS.
import { randomUUID } from "node:crypto";
import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from "jose";

const REQUESTS = Number(process.env.BENCH_DPOP_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECRET = "bench-secret-0123456789-0123456789-0123";
const HTU = "http://api.example/orders";

async function cpuUs(count, fn) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function run() {
  const { createAuth } = await import("../dist/index.js");
  const auth = createAuth({
    env: {
      AUTH_PROVIDER: "jwt",
      AUTH_JWT_SECRET: SECRET,
      AUTH_ALGORITHMS: "HS256",
      AUTH_ISSUER: "https://id.example",
      AUTH_AUDIENCE: "bench",
    },
    cacheMaxEntries: 10,
    logger: { warn() {} },
  });
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const sign = (claims) =>
    new SignJWT({ sub: "bench", iss: "https://id.example", aud: "bench", ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
  const bearer = await sign({});
  const bound = await sign({ cnf: { jkt } });
  const ath = (await import("node:crypto")).createHash("sha256").update(bound).digest("base64url");
  const proofs = async (count) =>
    Promise.all(
      Array.from({ length: count }, () =>
        new SignJWT({ htm: "GET", htu: HTU, ath, jti: randomUUID() })
          .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk })
          .setIssuedAt()
          .sign(privateKey),
      ),
    );
  const request = (authorization, dpop) => ({
    method: "GET",
    url: "/orders",
    headers: { host: "api.example", authorization, ...(dpop ? { dpop } : {}) },
  });
  const bearerRequest = request(`Bearer ${bearer}`);
  const variants = {
    bearer: async () => {
      await auth.getCurrentUser(bearerRequest);
    },
    dpop: async (proof) => {
      await auth.getCurrentUser(request(`DPoP ${bound}`, proof));
    },
    jose: async (proof) => {
      await jwtVerify(proof, EmbeddedJWK, { typ: "dpop+jwt", algorithms: ["ES256"] });
    },
    // The signature alone, the key imported once: the floor of any proof check.
    joseKey: async (proof) => {
      await jwtVerify(proof, publicKey, { typ: "dpop+jwt", algorithms: ["ES256"] });
    },
  };
  // Warm-up: the caches hold both tokens, jose is loaded, the JIT has seen every path.
  for (const proof of await proofs(500)) {
    await variants.bearer();
    await variants.dpop(proof);
    await variants.jose(proof);
    await variants.joseKey(proof);
  }
  const samples = { bearer: [], dpop: [], jose: [], joseKey: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const batches = { dpop: await proofs(REQUESTS), jose: await proofs(REQUESTS) };
    batches.joseKey = await proofs(REQUESTS);
    // Variants in a rotating order, so the garbage of signing the proofs (and any drift) falls
    // on each of them alike.
    const names = Object.keys(samples);
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const batch = batches[name];
      samples[name].push(await cpuUs(REQUESTS, (i) => variants[name](batch?.[i])));
    }
  }
  await auth.close();
  const [b, d, j] = [median(samples.bearer), median(samples.dpop), median(samples.jose)];
  const k = median(samples.joseKey);
  console.log(`\nDPoP, CPU µs per request, median of ${ROUNDS} rounds × ${REQUESTS} requests\n`);
  console.log(
    "| cached token, Bearer | cached token + DPoP proof | jose: the proof alone (embedded key) | (DPoP − Bearer) ÷ jose | jose, key imported once | (DPoP − Bearer) ÷ that |",
  );
  console.log("|---|---|---|---|---|---|");
  console.log(
    `| ${b.toFixed(1)} | ${d.toFixed(1)} | ${j.toFixed(1)} | ${((d - b) / j).toFixed(2)} | ${k.toFixed(1)} | ${((d - b) / k).toFixed(2)} |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
