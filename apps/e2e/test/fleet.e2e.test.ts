import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startRedis } from "../../../scripts/testing/startRedis.mjs";
import { launchChromium } from "../src/chromium.js";
import {
  callApi,
  recordAuthorization,
  signIn,
  UI_TIMEOUT_MS,
  waitForSocketMessage,
  waitForStatus,
} from "../src/page.js";
import { type Stack, startStack } from "../src/stack.js";

// Production's shape on loopback: four API instances (proxy mode, the default 30 s caches) and a
// fifth validating JWTs locally, all on one Redis that the mock publishes its changes to.
const USER = { id: "fleet-user-id", email: "fleet.user@example.com" };
const PROPAGATION_BOUND_MS = 1000;

let redis: RedisUnderTest;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let bearers: string[];
/** Every API instance: the four proxy-mode ones, then the JWT-mode one. */
let apis: string[];

beforeAll(async () => {
  redis = await startRedis();
  [stack, browser] = await Promise.all([
    startStack({
      expiresInSeconds: 120,
      refreshLeewaySeconds: 10,
      mockEnv: {
        OXAIGEN_AUTH_MOCK_USER_ID: USER.id,
        OXAIGEN_AUTH_MOCK_EMAIL: USER.email,
        OXAIGEN_AUTH_MOCK_PERMISSIONS: "read",
      },
      redisUrl: redis.url,
      apiInstances: 4,
      // Long caches: anything seen within the bound below came from an event, not an expiry.
      apiEnv: {
        OXAIGEN_AUTH_CACHE_TTL_SECONDS: "30",
        OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS: "30",
      },
    }),
    launchChromium(),
  ]);
  apis = [...stack.apiUrls, await stack.addApi("jwt")];
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  // Records how every socket of the page ends: the server's 4003 says it saw the revocation.
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const closes: number[] = [];
    Object.assign(window, { __wsCloses: closes });
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("close", (event) => closes.push(event.code));
      }
    };
  });
  bearers = recordAuthorization(context, stack.apiUrl);
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
  await redis?.close();
});

async function status(url: string, path: string, authorization: string): Promise<number> {
  const response = await fetch(`${url}${path}`, {
    headers: { authorization },
    signal: AbortSignal.timeout(3000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Milliseconds until every instance answers `expected` for `path` (polling, bounded). */
async function untilAll(path: string, authorization: string, expected: number): Promise<number> {
  const started = Date.now();
  const pending = new Set(apis);
  while (pending.size > 0) {
    for (const url of [...pending]) {
      if ((await status(url, path, authorization)) === expected) pending.delete(url);
    }
    if (Date.now() - started > 10_000) {
      throw new Error(`${[...pending].join(", ")} still not ${expected} on ${path} after 10 s`);
    }
  }
  return Date.now() - started;
}

async function socketCloses(): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __wsCloses: number[] }).__wsCloses);
}

async function signInWithSocket(): Promise<string> {
  await signIn(page);
  expect((await callApi(page, "me")).status).toBe("200");
  await waitForSocketMessage(page, (m) => m.type === "hello" && m.user_id === USER.id);
  const bearer = bearers.at(-1);
  if (bearer === undefined) throw new Error("the page sent no Bearer token to the API");
  return bearer;
}

describe.sequential("four API instances on one Redis, in Chromium", () => {
  let bearer: string;

  it("every instance accepts the signed-in user's token; /v1/audit is 403 (and cached) on all", async () => {
    page = await context.newPage();
    await page.goto(stack.webUrl);
    await waitForStatus(page, "anonymous");
    bearer = await signInWithSocket();
    for (const url of apis) expect(await status(url, "/v1/me", bearer)).toBe(200);
    // The proxy-mode instances now hold a 30 s "denied" answer for audit.
    for (const url of apis.slice(0, 4)) expect(await status(url, "/v1/audit", bearer)).toBe(403);
  });

  it("a permission granted at the mock is honoured by all four proxy-mode instances at once", async () => {
    await stack.setMockState({ permissions: ["read", "audit"] });
    const proxyApis = apis.slice(0, 4);
    const started = Date.now();
    for (const url of proxyApis) {
      while ((await status(url, "/v1/audit", bearer)) !== 200) {
        if (Date.now() - started > 10_000) throw new Error(`${url} still denies audit`);
      }
    }
    expect(Date.now() - started).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
  });

  it("signing out in another tab closes the page's socket; every instance refuses the old token within 1 s", async () => {
    const second = await context.newPage();
    await second.goto(stack.webUrl);
    await waitForStatus(second, "authenticated");
    const closesBefore = (await socketCloses()).length;
    await second.getByTestId("sign-out").click();
    const elapsed = await untilAll("/v1/me", bearer, 401);
    expect(elapsed).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
    await waitForStatus(page, "anonymous");
    await page.waitForFunction(
      (before) => (window as unknown as { __wsCloses: number[] }).__wsCloses.length > before,
      closesBefore,
      { timeout: UI_TIMEOUT_MS },
    );
    expect(await page.getByTestId("ws-message").count()).toBe(0);
    await second.close();
  });

  it("an instance started after the sign-out refuses the old token (the revocation marker lives in Redis)", async () => {
    // JWT mode: the token's signature and exp are still valid; only the marker can refuse it.
    const late = await stack.addApi("jwt");
    expect(await status(late, "/v1/me", bearer)).toBe(401);
  });

  it("a session ended elsewhere closes the page's socket from the server with 4003", async () => {
    const fresh = await signInWithSocket();
    expect(fresh).not.toBe(bearer);
    const closesBefore = (await socketCloses()).length;
    // The provider ends the session without this browser knowing (another device, an admin).
    const logout = await fetch(`${stack.mockUrl}/_oxa_auth/logout`, {
      method: "POST",
      headers: { authorization: fresh },
      signal: AbortSignal.timeout(3000),
    });
    expect(logout.status).toBeLessThan(300);
    const started = Date.now();
    await page.waitForFunction(
      (before) => (window as unknown as { __wsCloses: number[] }).__wsCloses.length > before,
      closesBefore,
      { timeout: UI_TIMEOUT_MS },
    );
    expect(Date.now() - started).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
    expect((await socketCloses()).slice(closesBefore)).toContain(4003);
    // 4003 ends the socket for good: useAuthSocket does not reconnect with a revoked session.
    await page.locator('[data-testid="ws-state"]', { hasText: "closed" }).waitFor();
    await page.waitForTimeout(1500);
    expect(await page.getByTestId("ws-state").textContent()).toBe("closed");
    expect(await untilAll("/v1/me", fresh, 401)).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
  });
});
