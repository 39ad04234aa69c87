// `pnpm --filter @org/auth-server bench:jwt-miss` (against dist/): what a local-JWT cache miss
// costs through the SDK's guard next to jose's own `jwtVerify` with the same key plus the same
// check by hand (read the Bearer header, verify, require a scope). Distinct RS256 tokens, more
// than the cache holds, 16 in flight; CPU µs per request from process.cpuUsage (all threads:
// WebCrypto verifies on the libuv pool). First every variant in one process, interleaved round
// by round (medians after two warm-up rounds), then each variant alone in its own process
// (BENCH_SOLO_ROUNDS times each, rotating; 0 skips those columns).
// Ratio = jose / variant: 1.00 means the variant adds nothing; the SDK's target is ≥ 0.95.
// BENCH_BASELINE=<another build's dist/> adds that build as a variant (before/after figures from
// one run); that dist/ needs a package.json beside it with this package's "imports" (#platform),
// e.g. copy dist/ into a directory holding a copy of it.
// BENCH_CONTROLS=1 adds four controls, each behind the same hand-written guard: the SDK's
// validator alone (jose, its own checks and the User, no cache, no guard); a floor (jose plus
// the least a cache adds on a miss: sha256 of the token, one LRU insert of the payload); that
// floor caching a User-shaped answer (what the SDK must keep to serve a hit); and jose plus
// ~2 µs of plain arithmetic on the main thread (no allocation, no call). A second table splits
// each variant's CPU into user and system time and counts voluntary context switches (a thread
// going to sleep for want of work) per request, and on Linux how many of them the main thread
// made (the rest are the libuv pool's and V8's threads).
import { execFileSync } from "node:child_process";
import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createAuth, createJwtValidator } from "@org/auth-server";
import { requireScope } from "@org/auth-server/node";
import { importJWK, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import { startRsaIssuer } from "./rsaIssuer.mjs";
import { spinFor } from "./spinFor.mjs";

const TOKENS = Number(process.env.BENCH_TOKENS ?? 4096);
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SOLO_ROUNDS = Number(process.env.BENCH_SOLO_ROUNDS ?? 3);
const AUDIENCE = "https://api.bench.example";
const quiet = { warn() {}, error() {} };
const only = process.argv[2] === "--only" ? process.argv[3] : undefined;

const { issuer, jwk, server: provider, token: signToken } = await startRsaIssuer();
const now = Math.floor(Date.now() / 1000);
const requests = Array.from({ length: TOKENS }, (_, i) => {
  const claims = {
    iss: issuer,
    aud: AUDIENCE,
    sub: `u${i}`,
    iat: now,
    exp: now + 3600,
    scope: "read",
  };
  const token = signToken(claims);
  return { headers: { authorization: `Bearer ${token}` } };
});

// jose with the same key, and the guard written by hand.
const key = await importJWK(jwk, "RS256");
const joseOptions = { issuer, audience: AUDIENCE, algorithms: ["RS256"] };
async function joseGuard(request) {
  const { payload } = await jwtVerify(request.headers.authorization.slice(7), key, joseOptions);
  if (typeof payload.scope !== "string" || !payload.scope.split(" ").includes("read")) {
    throw new Error("scope read missing");
  }
  return payload;
}

// The SDK: its node entry's guard on the same plain request objects (default cache: 1,024
// entries, so cycling 4,096 tokens never hits).
const auth = createAuth({
  env: {},
  validator: createJwtValidator({ issuer, audience: AUDIENCE, logger: quiet }),
  logger: quiet,
});
const sdkGuard = requireScope("read", { auth });

const VARIANTS = { "jose jwtVerify + guard": joseGuard, "@org/auth-server requireScope": sdkGuard };
const CONTROLS = [];
if (process.env.BENCH_CONTROLS === "1") {
  const validator = createJwtValidator({ issuer, audience: AUDIENCE, logger: quiet });
  const answers = new LRUCache({ max: 1024 });
  const users = new LRUCache({ max: 1024 });
  // What the SDK keeps per answer, built by hand: a User's 18 fields, its own lists, the claims.
  const userShaped = (claims) =>
    Object.defineProperty(
      {
        id: claims.sub,
        userName: null,
        email: null,
        name: null,
        accountType: null,
        enabled: null,
        firstName: null,
        lastName: null,
        workspace: null,
        workspaceRoles: [],
        workspacePermissions: [],
        roles: [],
        permissions: [],
        scopes: claims.scope.split(" "),
        isAuthenticated: true,
        isAnonymous: false,
        provider: "jwt",
        extra: {},
      },
      "claims",
      { value: Object.freeze(claims), enumerable: false },
    );
  const spin = spinFor(2);
  const control = {
    "control: SDK validator alone + guard": async (request) => {
      const { user } = await validator.verify(request.headers.authorization.slice(7));
      if (!user.scopes.includes("read")) throw new Error("scope read missing");
      return user;
    },
    "control: jose + guard + sha256 + LRU insert": async (request) => {
      const token = request.headers.authorization.slice(7);
      const key = hash("sha256", token, "binary");
      const payload = await joseGuard(request);
      answers.set(key, { payload, expiresAt: payload.exp * 1000 });
      return payload;
    },
    "control: jose + guard + ~2 µs of arithmetic": async (request) => {
      const payload = await joseGuard(request);
      spin();
      return payload;
    },
    "control: same, caching a User-shaped answer": async (request) => {
      const token = request.headers.authorization.slice(7);
      const key = hash("sha256", token, "binary");
      const payload = await joseGuard(request);
      users.set(key, {
        verification: { user: userShaped(payload), expiresAt: payload.exp * 1000 },
      });
      return payload;
    },
  };
  Object.assign(VARIANTS, control);
  CONTROLS.push(...Object.keys(control));
}
const BASELINE = "baseline build requireScope";
let baselineAuth;
if (process.env.BENCH_BASELINE) {
  const dist = pathToFileURL(`${process.env.BENCH_BASELINE.replace(/\/$/, "")}/`);
  const core = await import(new URL("index.js", dist).href);
  const node = await import(new URL("node.js", dist).href);
  baselineAuth = core.createAuth({
    env: {},
    validator: core.createJwtValidator({ issuer, audience: AUDIENCE, logger: quiet }),
    logger: quiet,
  });
  VARIANTS[BASELINE] = node.requireScope("read", { auth: baselineAuth });
}

/** The main thread's voluntary context switches so far (Linux), else NaN. */
function mainThreadSwitches() {
  try {
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, "utf8");
    return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** CPU µs (all threads; user and system) and voluntary context switches per request. */
async function cpuPerRequest(guard) {
  const switches = process.resourceUsage().voluntaryContextSwitches;
  const mainSwitches = mainThreadSwitches();
  const before = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    // A new request object each time, as a server gets: the SDK memoises a validation on it.
    while (next < requests.length) await guard({ headers: requests[next++].headers });
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(before);
  const n = requests.length;
  return {
    cpu: (used.user + used.system) / n,
    user: used.user / n,
    system: used.system / n,
    switches: (process.resourceUsage().voluntaryContextSwitches - switches) / n,
    mainSwitches: (mainThreadSwitches() - mainSwitches) / n,
  };
}

/** The median; NaN for no values (BENCH_ROUNDS=0 prints NaN instead of crashing). */
const median = (values) =>
  values.length === 0 ? Number.NaN : [...values].sort((a, b) => a - b)[values.length >> 1];

/** Medians per variant and figure over `rounds` after two warm-up rounds, variants alternating. */
async function measure(names, rounds) {
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds + 2; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const figures = await cpuPerRequest(VARIANTS[name]);
      if (round >= 2) samples[name].push(figures);
    }
  }
  const medianOf = (name, figure) => median(samples[name].map((sample) => sample[figure]));
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        cpu: medianOf(name, "cpu"),
        user: medianOf(name, "user"),
        system: medianOf(name, "system"),
        switches: medianOf(name, "switches"),
        mainSwitches: medianOf(name, "mainSwitches"),
      },
    ]),
  );
}

/** The variant's figures measured alone in a new process (no other variant's JIT or heap). */
function measureAlone(name, attempt = 1) {
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--only", name], {
      encoding: "utf8",
      // A child takes ~10 s; now and then one never finishes (the main thread waits on a lock
      // with verifications in flight: seen with jose alone and with a control, on Node 20).
      timeout: 120_000,
    });
    return JSON.parse(out.trim().split("\n").at(-1));
  } catch (error) {
    if (error.code !== "ETIMEDOUT" || attempt === 2) throw error;
    console.error(`"${name}" alone hung for 120 s and was killed; measured again.`);
    return measureAlone(name, attempt + 1);
  }
}

const fixed = (value) => (Number.isNaN(value) ? "–" : value.toFixed(1));

if (only !== undefined) {
  process.stdout.write(`${JSON.stringify((await measure([only], ROUNDS))[only])}\n`);
} else {
  const names = Object.keys(VARIANTS);
  const [jose] = names;
  const together = await measure(names, ROUNDS);
  // Every variant alone too, in rotating order (BENCH_SOLO_ROUNDS=0 skips this).
  const solo = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < SOLO_ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) solo[name].push(measureAlone(name));
  }
  const alone = (name) => median(solo[name].map((figures) => figures.cpu));
  console.log(
    `| JWT cache miss, CPU µs per request | one process, median of ${ROUNDS} rounds | ratio | own processes, median of ${SOLO_ROUNDS} | ratio |`,
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const name of names) {
    const inProcess = together[name].cpu;
    const own = alone(name);
    console.log(
      `| ${name} | ${fixed(inProcess)} | ${(together[jose].cpu / inProcess).toFixed(2)} | ${fixed(own)} | ${(alone(jose) / own).toFixed(2)} |`,
    );
  }
  console.log(
    "\n| one process, per request (medians) | CPU µs | user µs | system µs | voluntary context switches | of which the main thread's |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [name, { cpu, user, system, switches, mainSwitches }] of Object.entries(together)) {
    console.log(
      `| ${name} | ${fixed(cpu)} | ${fixed(user)} | ${fixed(system)} | ${switches.toFixed(2)} | ${Number.isNaN(mainSwitches) ? "–" : mainSwitches.toFixed(2)} |`,
    );
  }
}
provider.close();
await auth.close();
await baselineAuth?.close();
