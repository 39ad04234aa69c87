import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import { type CsrfTarget, startCsrfTarget, transferForm } from "../src/csrfTarget.js";
import { type StaticServer, startStaticServer } from "../src/staticServer.js";

const TIMEOUT_MS = 10_000;

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

/** A browser profile signed in to the target (the cookie set by the target's own response). */
async function signedInPage(target: CsrfTarget): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT_MS);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${target.origin}/login`);
  return page;
}

/** Opens `pageUrl` (which auto-submits its form) and returns the target's answer to the POST. */
async function submitFrom(page: Page, pageUrl: string, target: CsrfTarget) {
  const answer = page.waitForResponse(
    (response) => response.url() === `${target.origin}/v1/transfer`,
  );
  await page.goto(pageUrl);
  const response = await answer;
  return { status: response.status(), body: (await response.json()) as Record<string, unknown> };
}

describe.sequential("CSRF in Chromium: a form POST from another origin carrying only the cookie", () => {
  let attacker: StaticServer;
  let target: CsrfTarget;

  afterEach(async () => {
    await target?.close();
    await attacker?.close();
  });

  it("cross-site (SameSite=None cookie, page on localhost, API on 127.0.0.1) → 403, nothing done", async () => {
    target = await startCsrfTarget("None");
    attacker = await startStaticServer({ "/": transferForm(`${target.origin}/v1/transfer`) });
    const page = await signedInPage(target);
    const evil = await submitFrom(page, `http://localhost:${attacker.port}/`, target);
    expect(target.cookiesSeen.at(-1)).toContain("OxaigenPlatformAuthAccessToken=");
    expect(evil).toMatchObject({ status: 403, body: { error: "csrf_rejected" } });
    expect(target.transfers).toEqual([]);
    // Control: the same form served by the API's own origin goes through with the same cookie.
    const own = await submitFrom(page, `${target.origin}/`, target);
    expect(own).toEqual({ status: 200, body: { transferred: 100, by: "victim" } });
    expect(target.transfers).toEqual([{ by: "victim" }]);
  });

  it("same site, other origin (SameSite=Lax cookie, another port of 127.0.0.1) → 403", async () => {
    target = await startCsrfTarget("Lax");
    attacker = await startStaticServer({ "/": transferForm(`${target.origin}/v1/transfer`) });
    const page = await signedInPage(target);
    const sibling = await submitFrom(page, `http://127.0.0.1:${attacker.port}/`, target);
    expect(target.cookiesSeen.at(-1)).toContain("OxaigenPlatformAuthAccessToken=");
    expect(sibling).toMatchObject({ status: 403, body: { error: "csrf_rejected" } });
    expect(target.transfers).toEqual([]);
    const own = await submitFrom(page, `${target.origin}/`, target);
    expect(own.status).toBe(200);
  });
});
