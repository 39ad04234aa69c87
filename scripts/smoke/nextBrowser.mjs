// The Next.js client page in real Chromium: the server renders AuthProvider's loading state,
// hydration is clean, the popup login works, and the token reaches a route handler (bearer,
// through useAuthFetch) and a server action (the access cookie, through cookies()).
import { chromium } from "playwright-core";
import { ensureChromium } from "../testing/ensureTestTools.mjs";

/** `apps`: `[{ url, mode }]`, the Next.js app in each mode. */
export async function checkClientPage(apps, mockEmail = "mock.user@example.com") {
  const executablePath = ensureChromium();
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  try {
    const done = [];
    for (const app of apps) {
      await signInOnce(browser, app, mockEmail);
      done.push(app.mode);
    }
    return `SSR loading state, no hydration warning, popup sign-in, route handler + server action (${done.join(", ")})`;
  } finally {
    await browser.close();
  }
}

async function signInOnce(browser, { url, mode, output }, email) {
  const where = `${mode} mode`;
  const html = await (await fetch(`${url}/client`)).text();
  if (!/id="status">loading</.test(html)) {
    throw new Error(`${where}: the server-rendered /client does not show the loading state`);
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || /hydrat/i.test(msg.text())) warnings.push(msg.text());
  });
  page.on("pageerror", (error) => warnings.push(error.message));
  const text = (id) => page.locator(`#${id}`).textContent();
  const until = async (id, expected, what) => {
    try {
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.textContent === want,
        [`#${id}`, expected],
        { timeout: 15_000 },
      );
    } catch {
      throw new Error(
        `${where}: ${what}; #${id} shows "${await text(id)}"; console: ${warnings.join(" | ")}${serverLog(output)}`,
      );
    }
  };
  try {
    await page.goto(`${url}/client`);
    await until("status", "anonymous", "the session check did not settle on anonymous");
    const [popup] = await Promise.all([context.waitForEvent("page"), page.click("#login")]);
    await popup.waitForEvent("close", { timeout: 15_000 }).catch(() => {});
    await until("status", "authenticated", "the popup sign-in did not complete");
    await until("email", email, "the page does not show the mock's user");
    await page.click("#route");
    await until(
      "route-answer",
      `200 ${email}`,
      "the route handler did not accept the bearer token",
    );
    await page.click("#action");
    await until("action-answer", `200 ${email}`, "the server action did not see the user");
    const hydration = warnings.filter((w) => /hydrat|did not match/i.test(w));
    if (hydration.length > 0)
      throw new Error(`${where}: hydration warnings: ${hydration.join(" | ")}`);
  } finally {
    await context.close();
  }
}

/** The SDK's own lines in the app's output (a 502 names its cause there), for an error message. */
function serverLog(output) {
  const lines = (output?.() ?? "").split("\n").filter((line) => line.includes("@org/auth-server"));
  return lines.length === 0 ? "" : `; the app logged:\n${lines.slice(-5).join("\n")}`;
}
