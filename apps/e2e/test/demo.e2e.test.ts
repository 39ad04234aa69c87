import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import {
  authStatus,
  callApi,
  pollApi,
  recordAuthorization,
  recordPaths,
  signIn,
  socketMessages,
  UI_TIMEOUT_MS,
  waitForSocketMessage,
  waitForStatus,
} from "../src/page.js";
import { type Stack, startStack } from "../src/stack.js";

const USER = { id: "e2e-user-id", email: "e2e.user@example.com" };
const EXPIRES_IN_SECONDS = 6;
const REFRESH_LEEWAY_SECONDS = 3;
const artifacts = join(dirname(fileURLToPath(import.meta.url)), "../artifacts");

/** The helpers the foreign-origin page defines (see src/foreignPage.ts). */
interface ForeignWindow {
  openApp(url: string): boolean;
  forgeSuccess(state: string, code: string, times: number): void;
}

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Uncaught exceptions in any page of the app: a working demo has none. */
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      expiresInSeconds: EXPIRES_IN_SECONDS,
      refreshLeewaySeconds: REFRESH_LEEWAY_SECONDS,
      mockEnv: {
        OXAIGEN_AUTH_MOCK_USER_ID: USER.id,
        OXAIGEN_AUTH_MOCK_EMAIL: USER.email,
        OXAIGEN_AUTH_MOCK_FIRST_NAME: "Eve",
        OXAIGEN_AUTH_MOCK_LAST_NAME: "Tester",
        OXAIGEN_AUTH_MOCK_PERMISSIONS: "read",
      },
    }),
    launchChromium(),
  ]);
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "pass") {
    expect(pageErrors, "uncaught errors in the app").toEqual([]);
    return;
  }
  const pages = contexts.flatMap((context) => context.pages());
  await Promise.all(
    pages.map((page, index) =>
      page
        .screenshot({ path: join(artifacts, `failure-${ctx.task.name.slice(0, 2)}-${index}.png`) })
        .catch(() => undefined),
    ),
  );
  console.error(`--- server logs (${ctx.task.name}) ---\n${stack?.logs() ?? ""}`);
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.on("weberror", (error) => pageErrors.push(error.error().message));
  contexts.push(context);
  return context;
}

async function openApp(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(stack.webUrl);
  await waitForStatus(page, "anonymous|authenticated");
  return page;
}

/** Change the mock's permissions at run time (no restart). */
const setMockPermissions = (permissions: string[]) => stack.setMockState({ permissions });

/** Call the demo API from Node (not the browser) with an explicit Authorization header. */
async function apiStatus(path: string, authorization: string): Promise<number> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    headers: { authorization },
    signal: AbortSignal.timeout(3000),
  });
  await response.arrayBuffer();
  return response.status;
}

function isJwtBearer(header: string | undefined): boolean {
  return /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(header ?? "");
}

describe.sequential("demo in Chromium, API validating through the mock (proxy mode)", () => {
  let context: BrowserContext;
  let page: Page;
  let bearers: string[];

  it("1. signs in through a popup that closes itself, then shows the user's email", async () => {
    context = await newContext();
    bearers = recordAuthorization(context, new URL(stack.apiUrl).origin);
    const authCalls = recordPaths(context, new URL(stack.mockUrl).origin);
    page = await openApp(context);
    expect(await authStatus(page)).toBe("anonymous");

    const { popupClosed, email } = await signIn(page);
    // The one-time code is exchanged exactly once.
    expect(authCalls.filter((call) => call === "POST /_oxa_auth/token-exchange")).toHaveLength(1);

    expect(email).toBe(USER.email);
    expect(popupClosed).toBe(true);
    expect(await authStatus(page)).toBe("authenticated");
    expect(await page.getByTestId("user-name").textContent()).toBe("Eve Tester");
  });

  it("2. /v1/me succeeds with the SDK's Bearer token; /v1/audit is 403, then 200 once granted", async () => {
    const me = await callApi(page, "me");
    expect(me.status).toBe("200");
    expect(JSON.parse(me.body).user).toMatchObject({ id: USER.id, email: USER.email });
    expect(isJwtBearer(bearers.at(-1))).toBe(true);

    await setMockPermissions(["read"]);
    expect((await callApi(page, "audit")).status).toBe("403");

    await setMockPermissions(["read", "audit"]);
    // The API caches permission answers for 1 s in this set-up; no restart of anything.
    expect(await pollApi(page, "audit", "200", 5000)).toBe("200");
  });

  it("3. the WebSocket says hello with the user id and echoes a message", async () => {
    const paths: string[] = [];
    page.on("websocket", (socket) => paths.push(socket.url()));
    await page.getByTestId("ws-reconnect").click();
    await page.locator('[data-testid="ws-state"]', { hasText: "open" }).waitFor();
    expect(await page.getByTestId("ws-state").getAttribute("data-protocol")).toBe("oxa-auth");
    const hello = await waitForSocketMessage(page, (m) => m.type === "hello");
    expect(hello.user_id).toBe(USER.id);

    await page.getByTestId("ws-input").fill("ping from e2e");
    await page.getByTestId("ws-send").click();
    const echo = await waitForSocketMessage(page, (m) => m.type === "echo");
    expect(echo.data).toBe("ping from e2e");
    // The token travelled in the subprotocol, never in the URL.
    expect(paths.length).toBeGreaterThan(0);
    for (const url of paths) expect(url).not.toMatch(/token|eyJ/i);

    await page.screenshot({ path: join(artifacts, "signed-in.png"), fullPage: true });
  });

  it("4. a second tab shares the session; signing out in one signs out both; /v1/me is then 401", async () => {
    const second = await openApp(context);
    await waitForStatus(second, "authenticated");
    expect(await second.getByTestId("user-email").textContent()).toBe(USER.email);

    await second.getByTestId("sign-out").click();
    await waitForStatus(second, "anonymous");
    await waitForStatus(page, "anonymous");
    // Nothing of the previous user stays on screen: email, socket messages (useOnSignOut).
    expect(await page.getByTestId("user-email").count()).toBe(0);
    expect(await page.getByTestId("ws-message").count()).toBe(0);
    // The first tab's API results (case 2) belonged to the signed-out session: they are gone.
    expect(await page.getByTestId("audit-status").count()).toBe(0);
    expect(await page.getByTestId("me-body").count()).toBe(0);

    // Signing in again in the first tab reaches the second without a reload.
    await signIn(page);
    await waitForStatus(second, "authenticated");

    await page.getByTestId("sign-out").click();
    await waitForStatus(page, "anonymous");
    await waitForStatus(second, "anonymous");
    expect((await callApi(page, "me")).status).toBe("401");
    expect((await callApi(second, "me")).status).toBe("401");
    // A reload does not bring the session back: the refresh token was revoked.
    await second.reload();
    await waitForStatus(second, "anonymous");
  });

  it("5. a forged OXA_AUTH_SUCCESS from a foreign origin does not sign the app in", async () => {
    const attacker = await newContext();
    const exchanges = recordPaths(attacker, new URL(stack.mockUrl).origin);
    const foreign = await attacker.newPage();
    await foreign.goto(stack.foreignUrl);
    const appPromise = attacker.waitForEvent("page");
    expect(
      await foreign.evaluate(
        (url) => (window as unknown as ForeignWindow).openApp(url),
        stack.webUrl,
      ),
    ).toBe(true);
    const app = await appPromise;
    await waitForStatus(app, "anonymous");

    // Hold the popup on the login step, so a login is pending, and learn its state: the
    // strongest attacker knows the state and a code the mock would accept.
    let loginState = "";
    await attacker.route(`${stack.mockUrl}/_oxa_auth/login**`, (route) => {
      loginState = new URL(route.request().url()).searchParams.get("state") ?? "";
      return route.fulfill({ status: 200, contentType: "text/html", body: "<p>held</p>" });
    });
    const popupPromise = app.waitForEvent("popup");
    await app.getByTestId("sign-in").click();
    const popup = await popupPromise;
    await expect.poll(() => loginState, { timeout: UI_TIMEOUT_MS }).not.toBe("");

    await foreign.evaluate(
      ([state]) => (window as unknown as ForeignWindow).forgeSuccess(state!, "mock-auth-code", 5),
      [loginState],
    );
    await app.waitForTimeout(1500);

    expect(await authStatus(app)).not.toBe("authenticated");
    expect(exchanges.filter((p) => p.endsWith("/_oxa_auth/token-exchange"))).toEqual([]);
    expect((await callApi(app, "me")).status).toBe("401");

    // The app is not stuck: once the popup is gone, a real sign-in still works.
    await popup.close();
    await attacker.unroute(`${stack.mockUrl}/_oxa_auth/login**`);
    // The SDK reports the closed popup (after a short grace period for COOP) and ends the login.
    await app.getByTestId("auth-error").waitFor();
    expect(await authStatus(app)).not.toBe("authenticated");
    const { email } = await signIn(app);
    expect(email).toBe(USER.email);
    await attacker.close();
  });

  it("6. the access token expires and the app keeps working through refresh", async () => {
    await context.close();
    context = await newContext();
    bearers = recordAuthorization(context, new URL(stack.apiUrl).origin);
    let refreshes = 0;
    context.on("response", (response) => {
      if (response.url().endsWith("/_oxa_auth/refresh") && response.status() === 200) refreshes++;
    });
    page = await openApp(context);
    await signIn(page);
    const signedInAt = Date.now();
    expect((await callApi(page, "me")).status).toBe("200");
    const first = bearers.at(-1)!;
    await waitForSocketMessage(page, (m) => m.type === "hello");
    const hellosAtSignIn = (await socketMessages(page)).filter((m) => m.type === "hello").length;

    // Wait until the first token is past its expiry.
    await page.waitForTimeout(
      Math.max(0, signedInAt + (EXPIRES_IN_SECONDS + 1.5) * 1000 - Date.now()),
    );
    // The API closed the socket when its token expired (4001); useAuthSocket came back by itself
    // with a renewed token: a new hello, no click.
    await expect
      .poll(async () => (await socketMessages(page)).filter((m) => m.type === "hello").length, {
        timeout: UI_TIMEOUT_MS,
      })
      .toBeGreaterThan(hellosAtSignIn);

    expect(refreshes).toBeGreaterThan(0);
    expect((await callApi(page, "me")).status).toBe("200");
    const current = bearers.at(-1)!;
    expect(isJwtBearer(current)).toBe(true);
    expect(current).not.toBe(first);
    expect(await apiStatus("/v1/me", first)).toBe(401);
    expect(await authStatus(page)).toBe("authenticated");

    // A new connection carries the current token (the first one would be refused).
    const hellos = (await page.getByTestId("ws-message").allTextContents()).length;
    await page.getByTestId("ws-reconnect").click();
    await expect
      .poll(async () => (await page.getByTestId("ws-message").allTextContents()).length, {
        timeout: UI_TIMEOUT_MS,
      })
      .toBeGreaterThan(hellos);
    expect(await apiStatus("/v1/me", current)).toBe(200);
  });
});

describe.sequential("7. the same flow with the API validating JWTs locally (JWKS)", () => {
  it("signs in, calls the API, gets audit once granted, uses the socket and survives expiry — with no proxy call", async () => {
    await stack.restartApi("jwt");
    await setMockPermissions(["read"]);
    const context = await newContext();
    const bearers = recordAuthorization(context, new URL(stack.apiUrl).origin);
    const page = await openApp(context);

    const { email } = await signIn(page);
    const signedInAt = Date.now();
    expect(email).toBe(USER.email);
    const me = await callApi(page, "me");
    expect(me.status).toBe("200");
    expect(JSON.parse(me.body).user).toMatchObject({ id: USER.id, email: USER.email });
    expect((await callApi(page, "audit")).status).toBe("403");

    // Permissions live in the token: the grant shows up with the next refreshed token.
    await setMockPermissions(["read", "audit"]);
    expect(await pollApi(page, "audit", "200", (EXPIRES_IN_SECONDS + 4) * 1000)).toBe("200");

    await page.locator('[data-testid="ws-state"]', { hasText: "open" }).waitFor();
    expect((await waitForSocketMessage(page, (m) => m.type === "hello")).user_id).toBe(USER.id);
    await page.getByTestId("ws-input").fill("jwt echo");
    await page.getByTestId("ws-send").click();
    expect((await waitForSocketMessage(page, (m) => m.data === "jwt echo")).type).toBe("echo");

    // Local validation: with the mock frozen, a valid token still passes (keys are cached).
    const current = bearers.at(-1)!;
    stack.mock.freeze(true);
    try {
      expect(await apiStatus("/v1/me", current)).toBe(200);
    } finally {
      stack.mock.freeze(false);
    }

    // Expiry: the first token is refused locally, the app carries on with refreshed ones.
    const first = bearers[0]!;
    await page.waitForTimeout(
      Math.max(0, signedInAt + (EXPIRES_IN_SECONDS + 1.5) * 1000 - Date.now()),
    );
    expect(await apiStatus("/v1/me", first)).toBe(401);
    expect((await callApi(page, "me")).status).toBe("200");
    expect(bearers.at(-1)).not.toBe(first);
    await context.close();
  });
});
