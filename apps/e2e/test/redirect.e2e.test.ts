import { type Browser, type BrowserContext, devices, type Page, type Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import { authStatus, recordPaths, signIn, UI_TIMEOUT_MS, waitForStatus } from "../src/page.js";
import { type Stack, startStack } from "../src/stack.js";

/*
 * Redirect sign-in of the demo (React in development mode, so StrictMode mounts everything twice)
 * in real Chromium: popups blocked, a mobile in-app browser, forged returns; and a reload that
 * cuts a session refresh short.
 */

const USER = { id: "redirect-user-id", email: "redirect.user@example.com" };
const KEY = "oxa-auth:redirect";
const EXCHANGE = "POST /_oxa_auth/token-exchange";

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      expiresInSeconds: 300,
      refreshLeewaySeconds: 30,
      mockEnv: { OXAIGEN_AUTH_MOCK_USER_ID: USER.id, OXAIGEN_AUTH_MOCK_EMAIL: USER.email },
      webEnv: { NODE_ENV: "development" },
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
});

afterEach(async (ctx) => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  if (ctx.task.result?.state === "pass") {
    expect(pageErrors.splice(0), "uncaught errors in the app").toEqual([]);
  } else {
    console.error(`--- server logs (${ctx.task.name}) ---\n${stack?.logs() ?? ""}`);
  }
});

const webOrigin = () => new URL(stack.webUrl).origin;

/** A fresh context; `blockPopups` makes `window.open` return null, as a popup blocker does. */
async function newContext(
  options: { blockPopups?: boolean; device?: Parameters<Browser["newContext"]>[0] } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(
    options.device ?? { viewport: { width: 1000, height: 900 } },
  );
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.on("weberror", (error) => pageErrors.push(error.error().message));
  if (options.blockPopups) {
    await context.addInitScript(() => {
      window.open = () => null;
    });
  }
  contexts.push(context);
  return context;
}

/** Every URL the page's main frame showed (fragments included), in order. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

const count = (paths: string[], what: string) => paths.filter((p) => p === what).length;

/** Runs a redirect login at the mock from Node; returns the 303's Location (with the fragment). */
async function mockRedirectReturn(state: string): Promise<string> {
  let url = `${stack.mockUrl}/_oxa_auth/login?${new URLSearchParams({
    state,
    origin: webOrigin(),
    return_to: stack.webUrl,
    mode: "redirect",
  })}`;
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    const location = res.headers.get("location");
    if (!location) throw new Error(`${url} answered ${res.status} without a redirect`);
    if (location.includes("#oxa_auth_")) return location;
    url = new URL(location, url).href;
  }
  throw new Error("the mock never returned to the app");
}

const randomState = () =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/** Opens the app and plants the entry a redirect sign-in started in this tab would have stored. */
async function plantEntry(page: Page, state: string): Promise<void> {
  await page.goto(stack.webUrl);
  await waitForStatus(page, "anonymous");
  await page.evaluate(([key, entry]) => sessionStorage.setItem(key, entry), [
    KEY,
    JSON.stringify({ state, returnTo: stack.webUrl, createdAt: Date.now() }),
  ] as const);
  // Away and back as a new document: the return is a page load, not a fragment change.
  await page.goto("about:blank");
}

describe.sequential("redirect sign-in of the demo in Chromium", () => {
  it("popups blocked: auto redirects, signs in once (StrictMode), and no one-time parameter stays in the URL, history or storage", async () => {
    const context = await newContext({ blockPopups: true });
    const paths = recordPaths(context, stack.mockUrl);
    const page = await context.newPage();
    const urls = recordUrls(page);
    const navigations: string[] = [];
    context.on("request", (r) => {
      if (r.isNavigationRequest()) navigations.push(r.url());
    });
    const consoleLines: string[] = [];
    page.on("console", (m) => consoleLines.push(m.text()));
    const start = `${stack.webUrl}?tab=2#section`;
    await page.goto(start);
    // React's development build (its DevTools hint): StrictMode really mounts twice here.
    expect(consoleLines.some((line) => line.includes("React DevTools"))).toBe(true);
    await waitForStatus(page, "anonymous");
    await page.getByTestId("sign-in").click();
    await waitForStatus(page, "authenticated");
    expect(await page.getByTestId("user-email").textContent()).toBe(USER.email);

    // The page went to the auth API and came back with the code in the fragment…
    const login = navigations.map((u) => new URL(u)).find((u) => u.origin === stack.mockUrl);
    expect(login?.pathname).toBe("/_oxa_auth/login");
    expect(login?.searchParams.get("mode")).toBe("redirect");
    expect(login?.searchParams.get("return_to")).toBe(stack.webUrl);
    expect(urls.some((u) => u.includes("#oxa_auth_code="))).toBe(true);
    // …exchanged once, though React mounted the provider twice; back where the sign-in started.
    expect(count(paths, EXCHANGE)).toBe(1);
    expect(page.url()).toBe(start);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), KEY)).toBeNull();

    // History holds no entry with the code: back is the page before the sign-in, forward this one.
    await page.goBack();
    expect(page.url()).not.toContain("oxa_auth");
    await waitForStatus(page, "authenticated");
    await page.goForward();
    expect(page.url()).toBe(start);
    await waitForStatus(page, "authenticated");
    await page.reload();
    await waitForStatus(page, "authenticated");
    expect(page.url()).toBe(start);
    expect(count(paths, EXCHANGE)).toBe(1);
  });

  it("auto uses the popup where popups work: the page itself never leaves", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(stack.webUrl);
    await waitForStatus(page, "anonymous");
    const urls = recordUrls(page);
    const popup = page.waitForEvent("popup");
    await page.getByTestId("sign-in").click();
    await popup;
    await waitForStatus(page, "authenticated");
    expect(urls.filter((u) => !u.startsWith(webOrigin()))).toEqual([]);
  });

  it("a phone's in-app browser (touch, small screen, in-app user agent): auto redirects and signs in; sign-out clears the user's data", async () => {
    const phone = devices["Pixel 7"];
    const context = await newContext({
      device: { ...phone, userAgent: `${phone?.userAgent} Instagram 312.0.0.0` },
    });
    const paths = recordPaths(context, stack.mockUrl);
    const page = await context.newPage();
    let popups = 0;
    page.on("popup", () => popups++);
    await page.goto(stack.webUrl);
    await waitForStatus(page, "anonymous");
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    await page.getByTestId("sign-in").tap();
    await waitForStatus(page, "authenticated");
    expect(await page.getByTestId("user-email").textContent()).toBe(USER.email);
    expect(popups).toBe(0);
    expect(count(paths, EXCHANGE)).toBe(1);
    expect(page.url()).toBe(stack.webUrl);

    await page.getByTestId("sign-out").tap();
    await waitForStatus(page, "anonymous");
    expect(await page.getByTestId("user-email").count()).toBe(0);
    expect(await page.getByTestId("ws-message").count()).toBe(0);
  });

  it("a return with a state this tab did not store signs nobody in and exchanges nothing", async () => {
    const context = await newContext();
    const paths = recordPaths(context, stack.mockUrl);
    const page = await context.newPage();
    await plantEntry(page, randomState());
    // A real, unused code, for another state: what an attacker's own sign-in would give them.
    const forged = await mockRedirectReturn(randomState());
    await page.goto(forged);
    await page.getByTestId("auth-error").waitFor();
    expect(await page.getByTestId("auth-error").textContent()).toMatch(/not started in this tab/);
    await waitForStatus(page, "anonymous");
    expect(count(paths, EXCHANGE)).toBe(0);
    expect(page.url()).not.toContain("oxa_auth");
    // The code was good: only the state check kept it out.
    const code = new URLSearchParams(new URL(forged).hash.slice(1)).get("oxa_auth_code");
    const res = await fetch(`${stack.mockUrl}/_oxa_auth/token-exchange`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    expect(res.status).toBe(200);
  });

  it("a replayed code signs nobody in, even with its state planted in the tab", async () => {
    const state = randomState();
    const ret = await mockRedirectReturn(state);
    const first = await (await newContext()).newPage();
    await plantEntry(first, state);
    await first.goto(ret);
    await waitForStatus(first, "authenticated");

    const context = await newContext();
    const paths = recordPaths(context, stack.mockUrl);
    const page = await context.newPage();
    await plantEntry(page, state);
    await page.goto(ret);
    await page.getByTestId("auth-error").waitFor();
    await waitForStatus(page, "anonymous");
    expect(count(paths, EXCHANGE)).toBe(1);
    expect(page.url()).not.toContain("oxa_auth");
  });

  it("the auth API refuses a foreign return_to in redirect mode: a 400, never a redirect", async () => {
    const page = await (await newContext()).newPage();
    const res = await page.goto(
      `${stack.mockUrl}/_oxa_auth/login?${new URLSearchParams({
        state: randomState(),
        origin: webOrigin(),
        return_to: "https://evil.example/",
        mode: "redirect",
      })}`,
    );
    expect(res?.status()).toBe(400);
    expect(page.url().startsWith(stack.mockUrl)).toBe(true);
  });
});

/** Sets the mock's refresh-token reuse interval at run time (seconds; 0 = reuse ends the session). */
const setReuseInterval = (seconds: number) => stack.setMockState({ refreshReuseInterval: seconds });

/**
 * Signs in, then reloads while the page's session refresh is being answered: the auth API rotates
 * the refresh token, the answer (with the new refresh cookie) is lost with the page, and the next
 * page presents the rotated token. Returns the status the next page settles on.
 */
async function reloadMidRefresh(): Promise<string> {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(stack.webUrl);
  await waitForStatus(page, "anonymous");
  await signIn(page);
  const refreshUrl = `${stack.mockUrl}/_oxa_auth/refresh`;
  let rotated: (status: number) => void = () => undefined;
  const answered = new Promise<number>((resolve) => {
    rotated = resolve;
  });
  const cut: Route[] = [];
  await page.route(refreshUrl, async (route) => {
    // The auth API gets the refresh and rotates the token; the browser never sees the answer.
    const jar = await context.cookies(refreshUrl);
    const cookie = jar.map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(refreshUrl, { method: "POST", headers: { cookie } });
    await res.arrayBuffer();
    cut.push(route);
    rotated(res.status);
  });
  await page.reload(); // the new page restores its session with a refresh: held above
  expect(await answered).toBe(200);
  await page.unroute(refreshUrl);
  await page.reload();
  for (const route of cut) await route.abort().catch(() => undefined);
  await waitForStatus(page, "anonymous|authenticated");
  return authStatus(page);
}

describe.sequential("a reload in the middle of a refresh", () => {
  it("keeps the session: the auth API accepts the rotated refresh token within its reuse interval", async () => {
    expect(await reloadMidRefresh()).toBe("authenticated");
  });

  it("control: with no reuse interval the same reload ends the session (reuse detection)", async () => {
    await setReuseInterval(0);
    try {
      expect(await reloadMidRefresh()).toBe("anonymous");
    } finally {
      await setReuseInterval(10);
    }
  });
});
