import { type MockServer, startMockServer } from "@org/auth-mock-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../src/chromium.js";
import { type StaticServer, startStaticServer } from "../src/staticServer.js";

/*
 * The mock with its default settings against pages a developer might visit while it runs:
 * a foreign site (evil.test) and a DNS-rebinding name (rebind.test). Chromium resolves both to
 * 127.0.0.1, so they are real, distinct, non-loopback origins served on this machine.
 */

const EVIL_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>evil</title></head>
<body><h1>Some site</h1></body></html>`;

let mock: MockServer;
let evil: StaticServer;
let browser: Browser;
let evilOrigin: string;

beforeAll(async () => {
  [mock, evil] = await Promise.all([
    startMockServer({ host: "127.0.0.1", port: 0 }),
    startStaticServer({ "/": EVIL_PAGE, "/landing": EVIL_PAGE }),
  ]);
  evilOrigin = `http://evil.test:${evil.port}`;
  browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [
      ...CHROMIUM_ARGS,
      "--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1",
    ],
    timeout: 30_000,
  });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await Promise.all([mock?.close(), evil?.close()]);
});

async function evilPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${evilOrigin}/`);
  return page;
}

describe("the mock's defaults against a foreign page in Chromium", () => {
  it("a foreign page cannot change or wipe the mock's state, nor read a user with credentials", async () => {
    const page = await evilPage();
    const outcome = await page.evaluate(async (mockUrl) => {
      const attempt = (init: RequestInit, path = "/_oxa_auth/mock/state") =>
        fetch(mockUrl + path, { credentials: "include", ...init }).then(
          async (r) => `${r.status} ${await r.text()}`,
          (e: Error) => `blocked: ${e.name}`,
        );
      return {
        grant: await attempt({
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ permissions: ["read", "admin"], email: "evil@evil.test" }),
        }),
        wipe: await attempt({ method: "DELETE" }),
        read: await attempt(
          { headers: { authorization: "Bearer mock-dev-token" } },
          "/_oxa_auth/get-me",
        ),
      };
    }, mock.url);
    expect(outcome).toEqual({
      grant: "blocked: TypeError",
      wipe: "blocked: TypeError",
      read: "blocked: TypeError",
    });
    expect(mock.getState()).toMatchObject({
      permissions: ["read"],
      email: "mock.user@example.com",
    });
    await page.context().close();
  });

  it("a DNS-rebinding page (a foreign name resolving to the mock) gets nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const landing = await page.goto(`http://rebind.test:${mock.port}/_oxa_auth/mock/state`);
    expect(landing?.status()).toBe(403);
    const put = await page.evaluate(async () => {
      const r = await fetch("/_oxa_auth/mock/state", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ permissions: ["admin"] }),
      });
      return r.status;
    });
    expect(put).toBe(403);
    expect(mock.getState().permissions).toEqual(["read"]);
    await context.close();
  });

  it("a foreign page cannot get a login code through a popup (no open redirect)", async () => {
    const page = await evilPage();
    const state = "evil-state-0123456789abcdefghijklmnopqrstuvwxyz";
    const loginUrl = `${mock.url}/_oxa_auth/login?state=${state}&origin=${encodeURIComponent(evilOrigin)}&return_to=${encodeURIComponent(`${evilOrigin}/landing`)}`;
    const stolen = await page.evaluate(
      async ({ url, mockUrl }) => {
        const message = new Promise<unknown>((resolve) => {
          window.addEventListener("message", (e) => resolve(e.data));
          setTimeout(() => resolve(null), 5_000);
        });
        window.open(url, "_blank");
        const data = (await message) as { type?: string; code?: string } | null;
        if (!data?.code) return { message: data?.type ?? null, token: false };
        const res = await fetch(`${mockUrl}/_oxa_auth/token-exchange`, {
          method: "POST",
          credentials: "include",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: data.code }),
        });
        return { message: data.type, token: "access_token" in (await res.json()) };
      },
      { url: loginUrl, mockUrl: mock.url },
    );
    expect(stolen).toEqual({ message: null, token: false });
    await page.context().close();
  });

  it("a login link never lands the browser on a foreign site", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const state = "link-state-0123456789abcdefghijklmnopqrstuvwxyz";
    const response = await page.goto(
      `${mock.url}/_oxa_auth/login?state=${state}&origin=${encodeURIComponent(evilOrigin)}&return_to=${encodeURIComponent(`${evilOrigin}/landing`)}`,
    );
    await page.waitForTimeout(1_000);
    expect(new URL(page.url()).origin).toBe(mock.url);
    expect(response?.status()).toBe(400);
    await context.close();
  });
});
