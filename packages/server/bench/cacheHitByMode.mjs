// In-process CPU µs per cache hit through the Web Request entry, by mode: one issuer, three
// issuers, a resolver keyed by host, proxy mode and introspection mode, all with the same token
// (so equal length): `node bench/cacheHitByMode.mjs` after `pnpm build`. First every mode in one
// process, rounds interleaving the modes so drift hits them alike; then each mode alone in its
// own process (`--only <mode>`), so that a JIT shared by the modes cannot flatter any of them.
// Medians (ranges) are printed, and each mode's ratio to one issuer.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const here = fileURLToPath(import.meta.url);
const dist = join(dirname(here), "..", "dist");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SOLO_ROUNDS = Number(process.env.BENCH_SOLO_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const only = process.argv[2] === "--only" ? process.argv[3] : undefined;
const { createAuth } = await import(join(dist, "index.js"));
const { getCurrentUser } = await import(join(dist, "node.js"));

const { privateKey, publicKey } = await generateKeyPair("ES256");
const jwk = { ...(await exportJWK(publicKey)), kid: "k", alg: "ES256", use: "sig" };
let base = "";
const iss = (i) => `${base}/i${i}`;
const now = Math.floor(Date.now() / 1000);
/** JWKS, the proxy's get-me and an introspection endpoint: each answers once, then hits. */
const upstream = createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  if (req.url?.endsWith("/jwks")) return void res.end(JSON.stringify({ keys: [jwk] }));
  if (req.url === "/_oxa_auth/get-me") {
    return void res.end(JSON.stringify({ id: "u", email: "u@example.com" }));
  }
  if (req.url === "/introspect") {
    const answer = { active: true, sub: "u", iss: iss(1), aud: "api", iat: now, exp: now + 3600 };
    return void req.resume().on("end", () => res.end(JSON.stringify(answer)));
  }
  res.end("{}");
});
await new Promise((resolve) => upstream.listen(0, "127.0.0.1", resolve));
base = `http://127.0.0.1:${upstream.address().port}`;
const jwksUrl = `${base}/jwks`;
const token = await new SignJWT({ sub: "u", aud: "api", iss: iss(1) })
  .setProtectedHeader({ alg: "ES256", kid: "k" })
  .setIssuedAt(now)
  .setExpirationTime(now + 3600)
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
  proxy: { env: {}, proxyUrlOverride: base },
  introspection: {
    env: {
      AUTH_PROVIDER: "introspection",
      AUTH_INTROSPECTION_URL: `${base}/introspect`,
      AUTH_CLIENT_ID: "api",
      AUTH_CLIENT_SECRET: "bench-secret-0123456789-0123456789",
      AUTH_ISSUER: iss(1),
      AUTH_AUDIENCE: "api",
    },
  },
};
const request = new Request("https://app.example/me", {
  headers: { authorization: `Bearer ${token}`, host: "app.example" },
});

/** CPU µs per call of one mode's cache hits (after the first call filled the cache). */
async function measure(name) {
  const auth = createAuth({ ...MODES[name], logger: { warn() {} } });
  const first = await getCurrentUser(request, { auth });
  if (first?.id !== "u") throw new Error(`${name}: the first call did not authenticate`);
  for (let i = 0; i < 20_000; i++) await getCurrentUser(request, { auth }); // warm-up
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await getCurrentUser(request, { auth });
  const used = process.cpuUsage(start);
  await auth.close();
  return (used.user + used.system) / CALLS;
}

const record = (samples, name, value) => {
  samples[name] = [...(samples[name] ?? []), value];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const names = Object.keys(MODES);

if (only !== undefined) {
  console.log(JSON.stringify({ cpuUs: await measure(only) }));
  upstream.close();
} else {
  const together = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) record(together, name, await measure(name));
  }
  upstream.close();
  const alone = {};
  for (let round = 0; round < SOLO_ROUNDS; round++) {
    for (const name of names) {
      const out = execFileSync(process.execPath, [here, "--only", name], {
        encoding: "utf8",
        env: { ...process.env, BENCH_ROUNDS: "1" },
        timeout: 300_000,
      });
      record(alone, name, JSON.parse(out.trim().split("\n").at(-1)).cpuUs);
    }
  }
  const cell = (xs) =>
    xs === undefined || xs.length === 0
      ? "–"
      : `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const ratio = (samples, name) =>
    samples[name]?.length
      ? (median(samples[name]) / median(samples["one issuer"])).toFixed(2)
      : "–";
  console.log(
    `CPU µs per cache hit (Web Request entry, same token): median (range); in one process ${ROUNDS} rounds, alone ${SOLO_ROUNDS} processes; × ${CALLS} calls`,
  );
  console.log("| mode | one process | ÷ one issuer | own process | ÷ one issuer |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const name of names) {
    console.log(
      `| ${name} | ${cell(together[name])} | ${ratio(together, name)} | ${cell(alone[name])} | ${ratio(alone, name)} |`,
    );
  }
}
