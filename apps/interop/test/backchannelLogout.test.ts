import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { API_AUDIENCE, RP, type SessionProvider, startSessionProvider } from "./sessionProvider.js";

// A real, certified OpenID provider (oidc-provider) ends a session and posts its logout_token to
// one of four API instances sharing a Redis: all four must refuse that session's tokens at once.
const INSTANCES = 4;
const PROPAGATION_BOUND_MS = 1000;
const fixture = fileURLToPath(new URL("../fixtures/fleetApi.mjs", import.meta.url));

interface Instance {
  url: string;
  child: ChildProcess;
}

let redis: RedisUnderTest;
let provider: SessionProvider;
let relay: Server;
const instances: Instance[] = [];
/** Every logout_token the provider posted, and the status the API answered it with. */
const delivered: Array<{ body: string; status: number }> = [];

/**
 * Stands between the provider and instance 0 (whose URL is known only after the provider's
 * issuer is): forwards each back-channel POST unchanged and keeps what passed.
 */
async function startRelay(): Promise<string> {
  relay = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      const answer = await fetch(`${instances[0]?.url}/auth/backchannel-logout`, {
        method: "POST",
        headers: { "content-type": req.headers["content-type"] ?? "" },
        body,
      });
      delivered.push({ body, status: answer.status });
      res.writeHead(answer.status).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(relay.address() as AddressInfo).port}/backchannel`;
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`instance exited (${code}):\n${output}`)));
  });
}

async function status(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/me`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(3000),
  });
  await response.arrayBuffer();
  return response.status;
}

async function statuses(token: string): Promise<number[]> {
  return Promise.all(instances.map(({ url }) => status(url, token)));
}

function postLogout(url: string, logoutToken: string): Promise<Response> {
  return fetch(`${url}/auth/backchannel-logout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: logoutToken }),
    signal: AbortSignal.timeout(3000),
  });
}

/** A logout token with the provider's exact claims, signed by a key the provider never had. */
function forge(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "ES256", typ: "logout+jwt", kid: "es" })}.${part(claims)}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${signature.toString("base64url")}`;
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;

beforeAll(async () => {
  redis = await startRedis();
  provider = await startSessionProvider(await startRelay());
  const env = {
    AUTH_PROVIDER: "jwt",
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: API_AUDIENCE,
    AUTH_BACKCHANNEL_LOGOUT_AUDIENCE: RP.id,
    AUTH_REDIS_URL: redis.url,
  };
  for (let i = 0; i < INSTANCES; i++) instances.push(await startInstance(env));
}, 60_000);

afterAll(async () => {
  for (const { child } of instances) child.kill("SIGKILL");
  relay?.close();
  await provider?.close();
  await redis?.close();
});

describe.sequential("back-channel logout from oidc-provider to four instances on one Redis", () => {
  type Session = Awaited<ReturnType<SessionProvider["signIn"]>>;
  let ended: Session;
  let other: Session;

  it("every instance accepts the access tokens of two sessions of the same user", async () => {
    ended = await provider.signIn("alice");
    other = await provider.signIn("alice");
    expect(ended.sid).not.toBe(other.sid);
    expect(await statuses(ended.accessToken)).toEqual([200, 200, 200, 200]);
    expect(await statuses(other.accessToken)).toEqual([200, 200, 200, 200]);
  });

  it("the provider ends one session: all four refuse its token within 1 s; the other session lives on", async () => {
    const started = Date.now();
    await ended.end();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.status).toBe(200);
    while ((await statuses(ended.accessToken)).some((code) => code !== 401)) {
      if (Date.now() - started > 10_000) throw new Error("the ended session is still accepted");
    }
    expect(Date.now() - started).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
    expect(await statuses(other.accessToken)).toEqual([200, 200, 200, 200]);
  });

  it("a replayed logout_token is refused with 400 by any instance and revokes nothing", async () => {
    const token = new URLSearchParams(delivered[0]?.body).get("logout_token") ?? "";
    for (const { url } of instances) {
      const answer = await postLogout(url, token);
      expect(answer.status).toBe(400);
    }
    expect(await statuses(other.accessToken)).toEqual([200, 200, 200, 200]);
  });

  it("a forged logout_token naming the other session is refused with 400 and revokes nothing", async () => {
    const genuine = claimsOf(new URLSearchParams(delivered[0]?.body).get("logout_token") ?? "");
    const now = Math.floor(Date.now() / 1000);
    const forged = forge({ ...genuine, sid: other.sid, jti: `forged-${now}`, iat: now });
    const answer = await postLogout(instances[1]?.url ?? "", forged);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).not.toContain(forged);
    expect(await statuses(other.accessToken)).toEqual([200, 200, 200, 200]);
  });
});
