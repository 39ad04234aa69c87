import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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

const USER = { id: "e2e-dpop-user", email: "dpop.user@example.com" };

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      expiresInSeconds: 60,
      refreshLeewaySeconds: 3,
      mockEnv: { OXAIGEN_AUTH_MOCK_USER_ID: USER.id, OXAIGEN_AUTH_MOCK_EMAIL: USER.email },
      // The web app binds its tokens to its key; the API refuses any token that is not bound.
      webEnv: { VITE_AUTH_DPOP: "true" },
      apiEnv: { AUTH_DPOP: "required" },
    }),
    launchChromium(),
  ]);
  // DPoP against the mock: the API validates the mock's JWTs itself (docs/contracts.md).
  await stack.restartApi("jwt");
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
});

afterEach((ctx) => {
  if (ctx.task.result?.state === "pass") {
    expect(pageErrors, "uncaught errors in the app").toEqual([]);
    return;
  }
  console.error(`--- server logs (${ctx.task.name}) ---\n${stack?.logs() ?? ""}`);
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.on("weberror", (error) => pageErrors.push(error.error().message));
  contexts.push(context);
  return context;
}

/** What the page's IndexedDB holds as the DPoP key: whether the private key is extractable, the public x. */
function storedKey(page: Page): Promise<{ extractable: boolean; x: string } | null> {
  return page.evaluate(
    () =>
      new Promise<{ extractable: boolean; x: string } | null>((resolve, reject) => {
        const open = indexedDB.open("oxa-auth-dpop");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("keys")) return resolve(null);
          const get = db.transaction("keys").objectStore("keys").get("key");
          get.onerror = () => reject(get.error);
          get.onsuccess = async () => {
            const pair = get.result as CryptoKeyPair | undefined;
            db.close();
            if (!pair) return resolve(null);
            const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
            resolve({ extractable: pair.privateKey.extractable, x: jwk.x ?? "" });
          };
        };
      }),
  );
}

/** Status of `path` on the API from Node with `headers` (a thief outside the browser). */
async function fromNode(path: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${stack.apiUrl}${path}`, { headers, signal: AbortSignal.timeout(3000) });
  await res.arrayBuffer();
  return res.status;
}

describe.sequential("demo in Chromium with DPoP (AUTH_DPOP=required, JWT mode)", () => {
  let context: BrowserContext;
  let page: Page;
  let sent: string[];
  let keyX = "";

  it("signs in, calls the API with Authorization: DPoP, and keeps its WebSocket", async () => {
    context = await newContext();
    sent = recordAuthorization(context, new URL(stack.apiUrl).origin);
    page = await context.newPage();
    await page.goto(stack.webUrl);
    await waitForStatus(page, "anonymous");
    expect((await signIn(page)).email).toBe(USER.email);
    expect((await callApi(page, "me")).status).toBe("200");
    expect(sent.at(-1)).toMatch(/^DPoP [\w-]+\.[\w-]+\.[\w-]+$/);
    const hello = await waitForSocketMessage(page, (m) => m.type === "hello");
    expect(hello.user_id).toBe(USER.id);
    await page.getByTestId("ws-input").fill("bound echo");
    await page.getByTestId("ws-send").click();
    expect((await waitForSocketMessage(page, (m) => m.data === "bound echo")).type).toBe("echo");
  });

  it("the key is in IndexedDB and not extractable", async () => {
    const key = await storedKey(page);
    expect(key?.extractable).toBe(false);
    keyX = key?.x ?? "";
    expect(keyX).not.toBe("");
  });

  it("a token copied out of the page is refused elsewhere: from Node and from another browser context", async () => {
    const token = (sent.at(-1) ?? "").slice("DPoP ".length);
    expect(await fromNode("/v1/me", { authorization: `Bearer ${token}` })).toBe(401);
    expect(await fromNode("/v1/me", { authorization: `DPoP ${token}` })).toBe(401);
    // The thief's own browser, on the app's origin (CORS passes), its own key store.
    const thief = await (await newContext()).newPage();
    await thief.goto(stack.webUrl);
    const statuses = await thief.evaluate(
      async ({ api, token }) => {
        const asBearer = await fetch(`${api}/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const asDpop = await fetch(`${api}/v1/me`, { headers: { authorization: `DPoP ${token}` } });
        return [asBearer.status, asDpop.status];
      },
      { api: stack.apiUrl, token },
    );
    expect(statuses).toEqual([401, 401]);
    // The page that holds the key still gets through.
    expect((await callApi(page, "me")).status).toBe("200");
  });

  it("a reload keeps the key, so the session (bound refresh) comes back", async () => {
    await page.reload();
    await waitForStatus(page, "authenticated");
    expect((await storedKey(page))?.x).toBe(keyX);
    expect((await callApi(page, "me")).status).toBe("200");
  });

  it("sign-out deletes the key", async () => {
    await page.getByTestId("sign-out").click();
    await waitForStatus(page, "anonymous");
    const deadline = Date.now() + UI_TIMEOUT_MS;
    let key = await storedKey(page);
    while (key && Date.now() < deadline) {
      await page.waitForTimeout(100);
      key = await storedKey(page);
    }
    expect(key).toBeNull();
  });
});
