import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import { contrastRatio, parseCssColor } from "../src/contrastRatio.js";

const stylesheet = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "../../demo-web/src/styles.css"),
  "utf8",
);
/** WCAG 2 AA for normal-size text. */
const MIN_CONTRAST = 4.5;

// The demo's buttons as App.tsx and ApiPanel.tsx render them, styled by the demo's stylesheet.
const MARKUP = `<main class="page"><section class="card">
  <button type="button" class="primary" data-testid="primary">Sign in</button>
  <button type="button" data-testid="plain">GET /v1/me</button>
</section></main>`;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setContent(`<!doctype html><style>${stylesheet}</style>${MARKUP}`);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
});

/** Contrast of the button's label over its own background as Chromium computes them now. */
async function buttonContrast(testId: string): Promise<number> {
  const { color, background } = await page.getByTestId(testId).evaluate((element) => {
    const style = getComputedStyle(element);
    return { color: style.color, background: style.backgroundColor };
  });
  const bg = parseCssColor(background);
  expect(bg.a, `${testId} background ${background} must be opaque`).toBe(1);
  return contrastRatio(parseCssColor(color), bg);
}

describe("the demo's buttons stay readable (Chromium, computed styles)", () => {
  it.each(["primary", "plain"])("%s button at rest, hovered and focused", async (testId) => {
    await page.mouse.move(0, 0);
    expect(await buttonContrast(testId)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    await page.getByTestId(testId).hover();
    expect(await buttonContrast(testId)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    await page.getByTestId(testId).focus();
    expect(await buttonContrast(testId)).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });

  it("hovering the primary button changes its background (the hover rule applies)", async () => {
    const background = () =>
      page.getByTestId("primary").evaluate((element) => getComputedStyle(element).backgroundColor);
    await page.mouse.move(0, 0);
    const rest = await background();
    await page.getByTestId("primary").hover();
    expect(await background()).not.toBe(rest);
  });

  it("computes WCAG contrast ratios", () => {
    const white = parseCssColor("rgb(255, 255, 255)");
    expect(contrastRatio(white, parseCssColor("rgb(0, 0, 0)"))).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBeCloseTo(1, 5);
    // The unreadable hover this test was written for: white on #eef2f6.
    expect(contrastRatio(white, parseCssColor("rgb(238, 242, 246)"))).toBeLessThan(1.2);
    expect(contrastRatio(white, parseCssColor("rgb(37, 99, 235)"))).toBeCloseTo(5.17, 2);
    expect(parseCssColor("rgba(0, 0, 0, 0.5)").a).toBe(0.5);
  });
});
