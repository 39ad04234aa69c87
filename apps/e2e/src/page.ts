import type { BrowserContext, Page } from "playwright-core";

/** Bounded wait for every Playwright action and assertion helper below. */
export const UI_TIMEOUT_MS = 10_000;

/**
 * Click "Sign in", follow the popup through the mock's login and return once the app shows the
 * signed-in user and the popup has closed.
 * @example
 * const { popupClosed } = await signIn(page);
 */
export async function signIn(page: Page): Promise<{ popupClosed: boolean; email: string }> {
  const popupPromise = page.waitForEvent("popup", { timeout: UI_TIMEOUT_MS });
  await page.getByTestId("sign-in").click();
  const popup = await popupPromise;
  await page.getByTestId("user-email").waitFor({ timeout: UI_TIMEOUT_MS });
  if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: UI_TIMEOUT_MS });
  return {
    popupClosed: popup.isClosed(),
    email: (await page.getByTestId("user-email").textContent()) ?? "",
  };
}

/** The auth status badge's text (loading | authenticated | anonymous | error). */
export async function authStatus(page: Page): Promise<string> {
  return (await page.getByTestId("auth-status").textContent()) ?? "";
}

/** Wait until the status badge shows `status` (a regex alternation such as "anonymous|error"). */
export async function waitForStatus(page: Page, status: string): Promise<void> {
  await page
    .locator(`[data-testid="auth-status"]`, { hasText: new RegExp(`^(?:${status})$`) })
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

/**
 * Click one of the API buttons and return the HTTP status and body the page shows.
 * @example
 * const { status } = await callApi(page, "me");
 */
export async function callApi(
  page: Page,
  id: "me" | "audit" | "maybe-public",
): Promise<{ status: string; body: string }> {
  await page.getByTestId(`call-${id}`).click();
  const done = page.locator(`[data-testid="${id}-status"]:not([data-status="pending"])`);
  await done.waitFor({ timeout: UI_TIMEOUT_MS });
  return {
    status: (await done.getAttribute("data-status")) ?? "",
    body: (await page.getByTestId(`${id}-body`).textContent()) ?? "",
  };
}

/** Click an API button until it shows `expected` (e.g. a permission cached upstream for 1 s). */
export async function pollApi(
  page: Page,
  id: "me" | "audit",
  expected: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = (await callApi(page, id)).status;
    if (last === expected) return last;
    await page.waitForTimeout(500);
  }
  return last;
}

/** The WebSocket panel's messages, parsed. */
export async function socketMessages(page: Page): Promise<Array<Record<string, unknown>>> {
  const texts = await page.getByTestId("ws-message").allTextContents();
  return texts.map((text) => JSON.parse(text) as Record<string, unknown>);
}

/** Wait until the WebSocket panel shows a message matching `predicate`. */
export async function waitForSocketMessage(
  page: Page,
  predicate: (message: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const found = (await socketMessages(page)).find(predicate);
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(
    `No matching WebSocket message within ${UI_TIMEOUT_MS} ms: ${JSON.stringify(await socketMessages(page))}`,
  );
}

/** Record the `Authorization` header of every request the context sends to `origin`. */
export function recordAuthorization(context: BrowserContext, origin: string): string[] {
  const seen: string[] = [];
  context.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) return;
    const header = request.headers().authorization;
    if (header) seen.push(header);
  });
  return seen;
}

/** Record the paths of every request the context sends to `origin`. */
export function recordPaths(context: BrowserContext, origin: string): string[] {
  const seen: string[] = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === origin) seen.push(`${request.method()} ${url.pathname}`);
  });
  return seen;
}
