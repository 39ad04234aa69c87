// A copied refresh token replayed within the reuse interval gets the victim's successor, never a
// token family of its own; replayed later, it ends the whole family. Real HTTP, both refresh APIs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  codeFlow,
  getMe,
  oidcRefresh,
  proxyRefresh,
  proxySignIn,
  refreshCookie,
  type Tokens,
} from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";

let server: MockServer;
let t = Date.now();
const INTERVAL_MS = 10_000;

beforeAll(async () => {
  server = await startMockServer({ now: () => t, refreshReuseInterval: INTERVAL_MS / 1000 });
});
afterAll(() => server.close());
beforeEach(() => {
  t = Date.now();
  server.reset();
});

/** One refresh API: exchange a refresh token for the next pair, or say it was refused. */
type Refresh = (token: string) => Promise<{ refresh: string; access: string } | number>;

const proxy: Refresh = async (token) => {
  const res = await proxyRefresh(server, token);
  if (res.status !== 200) return res.status;
  const body = (await res.json()) as { access_token: string };
  return { refresh: refreshCookie(server, res), access: body.access_token };
};

const openid: Refresh = async (token) => {
  const res = await oidcRefresh(server, token);
  if (res.status !== 200) return res.status;
  const body = (await res.json()) as Tokens;
  return { refresh: body.refresh_token as string, access: body.access_token };
};

async function pair(refresh: Refresh, token: string) {
  const next = await refresh(token);
  if (typeof next === "number") throw new Error(`refresh refused: ${next}`);
  return next;
}

/** Name, sign-in, refresh, and the status a refused refresh answers. */
const apis: [string, () => Promise<{ refresh: string; access: string }>, Refresh, number][] = [
  ["proxy /_oxa_auth/refresh", () => proxySignIn(server), proxy, 401],
  [
    "OpenID refresh_token grant",
    async () => {
      const { tokens } = await codeFlow(server);
      return { refresh: tokens.refresh_token as string, access: tokens.access_token };
    },
    openid,
    400,
  ],
];

describe.each(apis)("refresh-token reuse: %s", (_name, signIn, refresh, refused) => {
  it("within the interval every replay answers the same successor, not a new family", async () => {
    const victim = await signIn();
    const successor = await pair(refresh, victim.refresh);
    // A thief replays the copied token three times within the interval.
    const thief: string[] = [];
    for (let i = 0; i < 3; i++) {
      t += 1000;
      const replay = await pair(refresh, victim.refresh);
      expect(await getMe(server, replay.access)).toBe(200);
      thief.push(replay.refresh);
    }
    expect(thief).toEqual([successor.refresh, successor.refresh, successor.refresh]);
    // One family: once the victim rotates the successor, the thief holds nothing newer.
    const next = await pair(refresh, successor.refresh);
    t += INTERVAL_MS;
    expect(await refresh(successor.refresh)).toBe(refused);
    // That late replay ended the family: every descendant and every access token is dead.
    expect(await refresh(next.refresh)).toBe(refused);
    for (const token of [victim.access, successor.access, next.access]) {
      expect(await getMe(server, token)).toBe(401);
    }
  });

  it("after the interval a replay ends the whole family, descendants included", async () => {
    const victim = await signIn();
    const child = await pair(refresh, victim.refresh);
    const grandchild = await pair(refresh, child.refresh);
    t += INTERVAL_MS;
    expect(await refresh(victim.refresh)).toBe(refused);
    expect(await refresh(grandchild.refresh)).toBe(refused);
    expect(await getMe(server, grandchild.access)).toBe(401);
  });

  it("the victim's and the thief's chains never both keep refreshing", async () => {
    const victim = await signIn();
    const a = await pair(refresh, victim.refresh);
    t += 1000;
    const b = await pair(refresh, victim.refresh);
    // Each goes on refreshing after the interval: the second one to come is refused.
    t += INTERVAL_MS;
    const first = await pair(refresh, a.refresh);
    t += INTERVAL_MS;
    expect(await refresh(b.refresh)).toBe(refused);
    expect(await getMe(server, first.access)).toBe(401);
  });
});
