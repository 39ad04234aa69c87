// Step-up (RFC 9470) in the demo, in real Chromium: the dangerous action asks for a recent
// multi-factor sign-in; the SDK signs in again in a popup with acr_values / max_age and retries.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import { recordAuthorization, signIn, UI_TIMEOUT_MS, waitForStatus } from "../src/page.js";
import { type Stack, startStack } from "../src/stack.js";

/** How recent (seconds) the mfa sign-in of the dangerous action must be, in this stack. */
const MAX_AGE_SECONDS = 12;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      expiresInSeconds: 120,
      refreshLeewaySeconds: 30,
      mockEnv: { OXAIGEN_AUTH_MOCK_EMAIL: "step.up@example.com" },
      // No clock tolerance: a sign-in older than the maximum age is really refused.
      apiEnv: { DEMO_STEP_UP_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS), AUTH_CLOCK_SKEW: "0" },
    }),
    launchChromium(),
  ]);
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.on("weberror", (error) => pageErrors.push(error.error().message));
  page = await context.newPage();
  await page.goto(stack.webUrl);
  await waitForStatus(page, "anonymous|authenticated");
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
});

/** Click the dangerous action: what the page shows, and the login URL a step-up opened. */
async function dangerousAction(): Promise<{ status: string; body: string; loginUrl?: URL }> {
  const requests: string[] = [];
  const onRequest = (request: { url(): string }) => requests.push(request.url());
  context.on("request", onRequest); // the popup's requests too
  try {
    await page.getByTestId("call-delete").click();
    const done = page.locator('[data-testid="delete-status"]:not([data-status="pending"])');
    await done.waitFor({ timeout: UI_TIMEOUT_MS });
    const login = requests.find((url) => new URL(url).pathname === "/_oxa_auth/login");
    return {
      status: (await done.getAttribute("data-status")) ?? "",
      body: (await page.getByTestId("delete-body").textContent()) ?? "",
      ...(login ? { loginUrl: new URL(login) } : {}),
    };
  } finally {
    context.off("request", onRequest);
  }
}

/** POST the dangerous action from Node with `authorization`: status and challenge. */
async function deleteFromNode(authorization: string) {
  const response = await fetch(`${stack.apiUrl}/v1/workspace/delete`, {
    method: "POST",
    headers: { authorization },
    signal: AbortSignal.timeout(3000),
  });
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get("www-authenticate") };
}

describe.sequential("step-up in the demo (Chromium, API in proxy mode)", () => {
  let bearers: string[];

  it("1. the dangerous action triggers a step-up sign-in (acr_values=mfa, max_age) and then succeeds", async () => {
    bearers = recordAuthorization(context, new URL(stack.apiUrl).origin);
    await signIn(page);
    const { status, body, loginUrl } = await dangerousAction();
    expect(status).toBe("200");
    expect(JSON.parse(body)).toEqual({ deleted: "demo-workspace", by: "mock-user-id" });
    expect(loginUrl?.searchParams.get("acr_values")).toBe("mfa");
    expect(loginUrl?.searchParams.get("max_age")).toBe(String(MAX_AGE_SECONDS));
    // First the password sign-in's token was challenged, then the step-up's token passed.
    const tokens = bearers.filter((b, i) => bearers.indexOf(b) === i);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(pageErrors).toEqual([]);
  });

  it("2. the API refuses that sign-in once it is older than max_age (stale auth_time)", async () => {
    const stepped = bearers.at(-1) as string;
    expect((await deleteFromNode(stepped)).status).toBe(200);
    // Polled with a deadline: the sign-in turns stale MAX_AGE_SECONDS after it happened.
    const deadline = Date.now() + (MAX_AGE_SECONDS + 10) * 1000;
    let last = await deleteFromNode(stepped);
    while (last.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await deleteFromNode(stepped);
    }
    expect(last).toEqual({
      status: 401,
      challenge: `Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", acr_values="mfa", max_age="${MAX_AGE_SECONDS}"`,
    });
  });

  it("3. in the page, the stale sign-in leads to a fresh step-up, and the action succeeds again", async () => {
    const { status, loginUrl } = await dangerousAction();
    expect(status).toBe("200");
    expect(loginUrl?.searchParams.get("max_age")).toBe(String(MAX_AGE_SECONDS));
    expect(pageErrors).toEqual([]);
  });
});
