import { type MockServer, startMockServer } from "@org/auth-mock-server";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../src/chromium.js";
import { harnessPage, REACT_DIST } from "../src/sdkHarness.js";
import { type StaticServer, startStaticServer } from "../src/staticServer.js";

/*
 * The built React SDK (its framework-free AuthClient) in Chromium, against what another page of
 * the same origin, a sibling subdomain or an HTML injection can do.
 */

let mock: MockServer;
let web: StaticServer;
let browser: Browser;
let webOrigin: string;
let evilOrigin: string;
/** Pages served by `web` by path (the static server reads this object on every request). */
const routes: Record<string, string> = {};

beforeAll(async () => {
  [mock, web] = await Promise.all([
    startMockServer({ host: "127.0.0.1", port: 0 }),
    startStaticServer(routes),
  ]);
  webOrigin = `http://127.0.0.1:${web.port}`;
  evilOrigin = `http://evil.test:${web.port}`;
  web.setRoot(REACT_DIST);
  browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"],
    timeout: 30_000,
  });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await Promise.all([mock?.close(), web?.close()]);
});

let pages = 0;
/** Serves `html` at a fresh path of the web origin and opens it, once the SDK has loaded. */
async function open(context: BrowserContext, html: string): Promise<Page> {
  const path = `/page-${++pages}`;
  routes[path] = html;
  const page = await context.newPage();
  await page.goto(`${webOrigin}${path}`);
  await page.waitForFunction(() => "sdk" in window, undefined, { timeout: 10_000 });
  return page;
}

/** What the pages below keep on `window`. */
interface SdkWindow {
  sdk: typeof import("@org/auth-react");
  sdkSocket: typeof import("@org/auth-react/socket");
  client: import("@org/auth-react").AuthClient;
}

describe("the React SDK in Chromium", () => {
  it("an injected <base href> cannot send the token elsewhere: the check resolves URLs as the browser does", async () => {
    const context = await browser.newContext();
    const page = await open(context, harnessPage(webOrigin, `${evilOrigin}/`));
    const seen = await page.evaluate((origin) => {
      const { sdk } = window as unknown as SdkWindow;
      // The app trusts its own origin and connects to a relative URL.
      const client = new sdk.AuthClient({ authApiBaseUrl: origin });
      const socket = new WebSocket("/ws");
      socket.onerror = () => {};
      return {
        browserConnectsTo: new URL(socket.url).host,
        allowed: client.isAllowedUrl("/ws"),
        checked: client.allowedUrl(`${origin}/ws`),
        withToken: sdk.withAccessToken("/ws", "t0k"),
      };
    }, webOrigin);
    expect(seen.browserConnectsTo).toBe(new URL(evilOrigin).host);
    expect(seen.allowed).toBe(false);
    expect(seen.checked).toBe(`${webOrigin}/ws`);
    // The URL handed back is the one the browser would use, absolute.
    expect(seen.withToken).toBe(`${evilOrigin}/ws?access_token=t0k`);
    await context.close();
  });

  it("connectAuthSocket checks a relative URL as the browser resolves it and connects to that absolute URL", async () => {
    const context = await browser.newContext();
    const connectFrom = async (page: Page) =>
      page.evaluate(async (origin) => {
        const { sdk, sdkSocket } = window as unknown as SdkWindow;
        const client = new sdk.AuthClient({ authApiBaseUrl: origin });
        const opened: string[] = [];
        // A signed-in session whose URL check is the real client's.
        const session = {
          getAccessToken: async () => "t0k",
          renewToken: async () => null,
          allowedUrl: (url: string | URL) => client.allowedUrl(url),
          subscribe: () => () => {},
          getSnapshot: () => ({ token: "t0k" }),
        };
        class Recording extends WebSocket {
          constructor(url: string, protocols: string[]) {
            opened.push(url);
            super(url, protocols);
          }
        }
        try {
          const live = sdkSocket.connectAuthSocket("/ws", {
            client: session,
            WebSocket: Recording,
          });
          await new Promise((resolve) => setTimeout(resolve, 200));
          live.close();
          return { opened, error: null };
        } catch (error) {
          return { opened, error: (error as { code?: string }).code ?? String(error) };
        }
      }, webOrigin);
    // An injected <base href> points "/ws" at another origin: refused before any socket opens.
    const injected = await open(context, harnessPage(webOrigin, `${evilOrigin}/`));
    expect(await connectFrom(injected)).toEqual({ opened: [], error: "invalid_argument" });
    // The app's own page: the socket goes to the absolute URL that was checked.
    const own = await open(context, harnessPage(webOrigin));
    expect(await connectFrom(own)).toEqual({
      opened: [`ws://127.0.0.1:${web.port}/ws`],
      error: null,
    });
    await context.close();
  });

  it("a sign-in forged on the session channel by another page of the origin changes nothing", async () => {
    const context = await browser.newContext();
    const app = await open(context, harnessPage(webOrigin));
    await app.evaluate(async (authApi) => {
      const w = window as unknown as SdkWindow;
      w.client = new w.sdk.AuthClient({ authApiBaseUrl: authApi });
      w.client.start();
      await w.client.getAccessToken();
    }, mock.url);
    expect(
      await app.evaluate(() => (window as unknown as SdkWindow).client.getSnapshot().status),
    ).toBe("anonymous");
    const other = await open(context, harnessPage(webOrigin));
    await other.evaluate(() => {
      const channel = new BroadcastChannel("oxa-auth-session");
      const payload = btoa(JSON.stringify({ sub: "attacker", exp: Date.now() / 1000 + 600 }));
      channel.postMessage({
        t: "in",
        at: Date.now(),
        token: `eyJhbGciOiJub25lIn0.${payload.replace(/=+$/, "")}.x`,
        expiresAt: Date.now() + 300_000,
        newSession: true,
      });
    });
    await app.waitForTimeout(1500);
    const state = await app.evaluate(() => {
      const { status, token } = (window as unknown as SdkWindow).client.getSnapshot();
      return { status, token };
    });
    expect(state).toEqual({ status: "anonymous", token: null });
    await context.close();
  });

  it("a message dated at Infinity cannot freeze cross-tab sync: a later real sign-out and sign-in still arrive", async () => {
    const token = await mock.mock.createAccessToken();
    const context = await browser.newContext();
    const app = await open(context, harnessPage(webOrigin));
    await app.evaluate(async (authApi) => {
      const w = window as unknown as SdkWindow;
      w.client = new w.sdk.AuthClient({ authApiBaseUrl: authApi });
      w.client.start();
      await w.client.getAccessToken();
    }, mock.url);
    const other = await open(context, harnessPage(webOrigin));
    const post = (message: Record<string, unknown>) =>
      other.evaluate((m) => {
        const stamped = { at: Date.now(), expiresAt: Date.now() + 300_000, ...m };
        new BroadcastChannel("oxa-auth-session").postMessage(stamped);
      }, message);
    const statusIs = (status: string) =>
      app.waitForFunction(
        (s) => (window as unknown as SdkWindow).client.getSnapshot().status === s,
        status,
        { timeout: 5_000 },
      );
    await statusIs("anonymous");
    await post({ t: "in", token });
    await statusIs("authenticated");
    // Another page of the origin dates a sign-out at Infinity: were it taken as the latest change,
    // every later message would look stale and the tabs would stop following each other.
    await post({ t: "out", at: Number.POSITIVE_INFINITY });
    await post({ t: "out" });
    await statusIs("anonymous");
    await post({ t: "in", token });
    await statusIs("authenticated");
    expect(
      await app.evaluate(() => (window as unknown as SdkWindow).client.getSnapshot().token),
    ).toBe(token);
    await context.close();
  });

  it("login() refuses a foreign returnTo before anything leaves the page (no open redirect), in both modes", async () => {
    const context = await browser.newContext();
    const page = await open(context, harnessPage(webOrigin));
    const before = page.url();
    let popups = 0;
    page.on("popup", () => popups++);
    const results = await page.evaluate(async (authApi) => {
      const { sdk } = window as unknown as SdkWindow;
      const client = new sdk.AuthClient({ authApiBaseUrl: authApi });
      const codes: string[] = [];
      for (const returnTo of ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]) {
        for (const mode of ["redirect", "popup"] as const) {
          codes.push(
            await client.login({ mode, returnTo }).then(
              () => "resolved",
              (e: { code?: string }) => String(e.code),
            ),
          );
        }
      }
      return { codes, stored: sessionStorage.getItem("oxa-auth:redirect") };
    }, mock.url);
    expect(results.codes).toEqual(Array(6).fill("invalid_argument"));
    expect(results.stored).toBeNull();
    expect(page.url()).toBe(before);
    // The blank popups opened in the click were closed again, never navigated anywhere.
    await page.waitForTimeout(300);
    expect(context.pages().length).toBe(1);
    expect(popups).toBe(3);
    await context.close();
  });

  it("a planted JS-readable access cookie is not adopted: the auth API must confirm it", async () => {
    const context = await browser.newContext();
    const page = await open(context, harnessPage(webOrigin));
    const result = await page.evaluate(async () => {
      const w = window as unknown as SdkWindow;
      const payload = btoa(JSON.stringify({ sub: "attacker", exp: Date.now() / 1000 + 600 }));
      // What a sibling subdomain can set for the parent domain.
      // biome-ignore lint/suspicious/noDocumentCookie: planting the cookie is the attack under test
      document.cookie = `OxaigenPlatformAuthAccessToken=eyJhbGciOiJub25lIn0.${payload.replace(/=+$/, "")}.x; Path=/`;
      // Same-origin auth API (here: nothing that would vouch for that token).
      w.client = new w.sdk.AuthClient({ authApiBaseUrl: location.origin });
      w.client.start();
      const token = await w.client.getAccessToken().catch(() => "rejected");
      return { token, status: w.client.getSnapshot().status };
    });
    expect(String(result.token)).not.toMatch(/^eyJ/);
    expect(result.status).not.toBe("authenticated");
    await context.close();
  });
});
