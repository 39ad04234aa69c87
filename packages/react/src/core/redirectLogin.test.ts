import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { AUTH, flush, stopAll, stubPopup, track } from "../../test/helpers";
import { AuthClient } from "./AuthClient";
import { AuthClientError } from "./AuthClientError";
import type { LoginOptions } from "./loginOptions";

const KEY = "oxa-auth:redirect";
const PAGE = `${location.origin}/page?tab=2#section`;

let api: ReturnType<typeof startAuthApi>;
let assign: Mock<(url: string | URL) => void>;
beforeEach(() => {
  api = startAuthApi();
  history.replaceState(null, "", PAGE);
  sessionStorage.clear();
  assign = vi.fn<(url: string | URL) => void>();
  vi.spyOn(location, "assign").mockImplementation(assign);
});
afterEach(() => {
  stopAll();
  api.close();
  vi.restoreAllMocks();
});

const client = () => track(new AuthClient({ authApiBaseUrl: AUTH }));

async function failure(p: Promise<unknown>): Promise<AuthClientError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthClientError);
  return err as AuthClientError;
}

/** Starts a redirect sign-in and returns the login URL it navigated to. */
async function startRedirect(options: LoginOptions = {}): Promise<URL> {
  await client().login({ mode: "redirect", ...options });
  expect(assign).toHaveBeenCalledTimes(1);
  return new URL(String(assign.mock.calls[0]?.[0]));
}

/** The page load that follows the auth API's 303 to `landing#fragment`. */
function returnTo(landing: string, fragment: Record<string, string>): void {
  history.replaceState(null, "", `${landing}#${new URLSearchParams(fragment)}`);
}

describe("login options", () => {
  it("sends only the contract's parameters: unknown keys are dropped, nothing is smuggled", async () => {
    const { loginUrl, navigated } = stubPopup();
    client()
      .login({
        mode: "popup",
        loginHint: "ada@example.com",
        prompt: "login",
        extraParams: {
          ui_locales: "en-GB fr",
          max_age: 300,
          acr_values: "urn:mfa",
          redirect_uri: "https://evil.example/cb",
          login_hint: "mallory@example.com",
          __proto__: "x",
        } as LoginOptions["extraParams"],
      })
      .catch(() => {});
    await navigated();
    const q = loginUrl().searchParams;
    expect([...q.keys()].sort()).toEqual([
      "acr_values",
      "login_hint",
      "max_age",
      "origin",
      "prompt",
      "return_to",
      "state",
      "ui_locales",
    ]);
    expect(q.get("login_hint")).toBe("ada@example.com");
    expect(q.get("prompt")).toBe("login");
    expect(q.get("max_age")).toBe("300");
    expect(q.get("ui_locales")).toBe("en-GB fr");
  });

  it.each<[string, LoginOptions]>([
    ["an unknown prompt", { prompt: "always" as "login" }],
    ["a loginHint over 256 characters", { loginHint: `${"a".repeat(250)}@x.com1` }],
    ["an empty loginHint", { loginHint: "" }],
    ["a loginHint with a line break", { loginHint: "ada@example.com\r\nX: y" }],
    ["a negative max_age", { extraParams: { max_age: -1 } }],
    ["ui_locales that are not language tags", { extraParams: { ui_locales: "fr;<x>" } }],
    ["an unknown mode", { mode: "tab" as "popup" }],
  ])(
    "refuses %s with invalid_argument, before any navigation, closing the popup",
    async (_, options) => {
      const { popup } = stubPopup();
      const err = await failure(client().login({ mode: "popup", ...options }));
      expect(err.code).toBe("invalid_argument");
      expect(popup.url).toBe("");
      expect(popup.close).toHaveBeenCalled();
      if (options.mode === undefined) {
        const redirected = await failure(client().login({ ...options, mode: "redirect" }));
        expect(redirected.code).toBe("invalid_argument");
      }
      expect(assign).not.toHaveBeenCalled();
      expect(sessionStorage.getItem(KEY)).toBeNull();
    },
  );

  it("accepts a loginHint of exactly 256 characters", async () => {
    const hint = `${"a".repeat(244)}@example.com`;
    expect(hint).toHaveLength(256);
    const url = await startRedirect({ loginHint: hint });
    expect(url.searchParams.get("login_hint")).toBe(hint);
  });
});

describe("returnTo", () => {
  it.each([
    "https://evil.example/",
    "//evil.example/path",
    "javascript:alert(1)",
    `${AUTH}/elsewhere`,
  ])("refuses %s (no open redirect): nothing stored, no navigation", async (to) => {
    const err = await failure(client().login({ mode: "redirect", returnTo: to }));
    expect(err.code).toBe("invalid_argument");
    expect(assign).not.toHaveBeenCalled();
    expect(sessionStorage.getItem(KEY)).toBeNull();
    const { popup } = stubPopup();
    expect((await failure(client().login({ mode: "popup", returnTo: to }))).code).toBe(
      "invalid_argument",
    );
    expect(popup.close).toHaveBeenCalled();
  });

  it("keeps a same-origin path, search and hash, made absolute", async () => {
    await startRedirect({ returnTo: "/settings?x=1#profile" });
    const entry = JSON.parse(sessionStorage.getItem(KEY) ?? "{}");
    expect(entry.returnTo).toBe(`${location.origin}/settings?x=1#profile`);
  });
});

describe("redirect sign-in", () => {
  it("stores a fresh state for this tab and navigates to the login URL in redirect mode", async () => {
    const open = vi.spyOn(window, "open");
    const url = await startRedirect({ loginHint: "ada@example.com" });
    expect(open).not.toHaveBeenCalled();
    expect(url.origin + url.pathname).toBe(`${AUTH}/_oxa_auth/login`);
    expect(url.searchParams.get("mode")).toBe("redirect");
    expect(url.searchParams.get("origin")).toBe(location.origin);
    // The landing page: this page, without its search and hash (restored from the stored entry).
    expect(url.searchParams.get("return_to")).toBe(`${location.origin}/page`);
    const entry = JSON.parse(sessionStorage.getItem(KEY) ?? "{}");
    expect(entry.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(entry.state).toBe(url.searchParams.get("state"));
    expect(entry.returnTo).toBe(PAGE);
  });

  it("auto: redirects when the browser blocks the popup, and in a known in-app browser", async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    await client().login();
    expect(assign).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
    vi.spyOn(location, "assign").mockImplementation(assign);
    const open = vi.spyOn(window, "open");
    vi.spyOn(navigator, "userAgent", "get").mockReturnValue(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Instagram 300.0",
    );
    await client().login({ mode: "auto" });
    expect(open).not.toHaveBeenCalled();
    expect(assign).toHaveBeenCalledTimes(2);
  });

  it("popup mode never falls back: a blocked popup is popup_blocked", async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    expect((await failure(client().login({ mode: "popup" }))).code).toBe("popup_blocked");
    expect(assign).not.toHaveBeenCalled();
  });
});

describe("redirect return", () => {
  /** A started redirect sign-in and the code the auth API would return with. */
  async function begun(options: LoginOptions = {}) {
    const url = await startRedirect(options);
    const state = url.searchParams.get("state") ?? "";
    return { state, code: await api.codeFor(state) };
  }

  it("takes the code out of the URL before anything renders, restores the page, exchanges it once", async () => {
    const { state, code } = await begun();
    returnTo(`${location.origin}/page`, { oxa_auth_code: code, oxa_auth_state: state });
    const c = new AuthClient({ authApiBaseUrl: AUTH });
    // Synchronously, in the constructor: no render, no effect has run yet.
    expect(location.href).toBe(PAGE);
    expect(sessionStorage.getItem(KEY)).toBeNull();
    const stop = c.start();
    await vi.waitFor(() => expect(c.getSnapshot().status).toBe("authenticated"));
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
    // A second client on the page (StrictMode's double initializer) finds nothing to finish.
    track(new AuthClient({ authApiBaseUrl: AUTH }));
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
    stop();
  });

  it("StrictMode: two clients constructed, start/stop/start: one exchange", async () => {
    const { state, code } = await begun();
    returnTo(`${location.origin}/page`, { oxa_auth_code: code, oxa_auth_state: state });
    const kept = new AuthClient({ authApiBaseUrl: AUTH });
    new AuthClient({ authApiBaseUrl: AUTH });
    kept.start()();
    track(kept);
    await vi.waitFor(() => expect(kept.getSnapshot().status).toBe("authenticated"));
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
  });

  type Tamper = (state: string) => { state: string; age?: number } | null;
  it.each<[string, Tamper]>([
    ["a state this tab did not store", (s: string) => ({ state: `${s}x` })],
    ["no stored entry (another tab, or a link)", () => null],
    ["an entry older than 10 minutes", (s: string) => ({ state: s, age: 601_000 })],
  ])("refuses %s with invalid_state: nothing exchanged, nobody signed in", async (_, tamper) => {
    const { state, code } = await begun();
    const t = tamper(state);
    if (t === null) sessionStorage.removeItem(KEY);
    else {
      const entry = JSON.parse(sessionStorage.getItem(KEY) ?? "{}");
      sessionStorage.setItem(
        KEY,
        JSON.stringify({ ...entry, state: t.state, createdAt: Date.now() - (t.age ?? 0) }),
      );
    }
    returnTo(`${location.origin}/page`, { oxa_auth_code: code, oxa_auth_state: state });
    const c = client();
    expect(location.hash).not.toContain("oxa_auth");
    await vi.waitFor(() => expect(c.getSnapshot().error?.code).toBe("invalid_state"));
    expect(c.getSnapshot().status).toBe("anonymous");
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBeUndefined();
  });

  it("a replayed code signs nobody in (exchange_failed), even with its state re-planted", async () => {
    const { state, code } = await begun();
    const entry = sessionStorage.getItem(KEY) ?? "";
    returnTo(`${location.origin}/page`, { oxa_auth_code: code, oxa_auth_state: state });
    const first = client();
    await vi.waitFor(() => expect(first.getSnapshot().status).toBe("authenticated"));
    await first.logout();
    sessionStorage.setItem(KEY, entry);
    returnTo(`${location.origin}/page`, { oxa_auth_code: code, oxa_auth_state: state });
    const second = client();
    await vi.waitFor(() => expect(second.getSnapshot().error?.code).toBe("exchange_failed"));
    expect(second.getSnapshot().token).toBeNull();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(2);
  });

  it("reports the auth API's failure reason as login_failed", async () => {
    const { state } = await begun();
    returnTo(`${location.origin}/page`, { oxa_auth_error: "access_denied", oxa_auth_state: state });
    const c = client();
    await vi.waitFor(() => expect(c.getSnapshot().error?.code).toBe("login_failed"));
    expect(c.getSnapshot().error?.reason).toBe("access_denied");
    expect(location.href).toBe(PAGE);
  });

  it("leaves an app's own fragment alone", () => {
    history.replaceState(null, "", `${location.origin}/page#/route?oxa=1`);
    client();
    expect(location.hash).toBe("#/route?oxa=1");
  });
});
