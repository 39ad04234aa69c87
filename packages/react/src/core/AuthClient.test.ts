import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { AUTH, flush, popupLogin, stopAll, track } from "../../test/helpers";
import { AuthClient } from "./AuthClient";

let api: ReturnType<typeof startAuthApi>;
beforeEach(() => {
  api = startAuthApi();
});
afterEach(() => {
  stopAll();
  api.close();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  // biome-ignore lint/suspicious/noDocumentCookie: test cleanup of the access cookie
  document.cookie = "OxaigenPlatformAuthAccessToken=; Max-Age=0; Path=/";
});

const REFRESH = "POST /_oxa_auth/refresh";
/** A refresh outside any client (what another tab does): the new access token. */
const rawRefresh = async (base: string): Promise<string> => {
  const res = await fetch(`${base}/_oxa_auth/refresh`, { method: "POST", credentials: "include" });
  return ((await res.json()) as { access_token: string }).access_token;
};
const client = (opts = {}) => track(new AuthClient({ authApiBaseUrl: AUTH, ...opts }));
const signedIn = async (opts = {}) => {
  const c = client(opts);
  await c.getAccessToken(); // waits for the (anonymous) restore
  await popupLogin(c, api.codeFor);
  return c;
};

describe("session restore on start", () => {
  it("restores a session through the refresh cookie", async () => {
    await signedIn();
    const tab = client();
    expect(tab.getSnapshot().status).toBe("loading");
    expect(await tab.getAccessToken()).toBeTruthy();
    expect(tab.getSnapshot().status).toBe("authenticated");
  });

  it("is anonymous when refresh answers 401", async () => {
    const c = client();
    expect(await c.getAccessToken()).toBeNull();
    expect(c.getSnapshot().status).toBe("anonymous");
  });

  it("is in error (not anonymous) when the auth API is unreachable", async () => {
    api.server.use(http.post(`${AUTH}/_oxa_auth/refresh`, () => HttpResponse.error()));
    const c = client();
    await c.getAccessToken();
    expect(c.getSnapshot().status).toBe("error");
    expect(c.getSnapshot().error?.code).toBe("refresh_failed");
  });

  it("restores once under StrictMode's start/stop/start", async () => {
    const c = new AuthClient({ authApiBaseUrl: AUTH });
    c.start()();
    track(c);
    await c.getAccessToken();
    expect(api.counts[REFRESH]).toBe(1);
  });

  it("same-origin: a new tab adopts the mock's access cookie instead of refreshing", async () => {
    api.close();
    api = startAuthApi({ baseUrl: location.origin });
    const tabA = track(new AuthClient({ authApiBaseUrl: location.origin }));
    await tabA.getAccessToken();
    await popupLogin(tabA, api.codeFor, location.origin);
    const before = api.counts[REFRESH];
    const tabB = track(new AuthClient({ authApiBaseUrl: location.origin }));
    expect(await tabB.getAccessToken()).toBe(tabA.getSnapshot().token);
    expect(api.counts[REFRESH]).toBe(before);
  });

  it("same-origin: adopts the access cookie only once the auth API confirms it (a planted JWT is not)", async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const jwt = `e30.${btoa(JSON.stringify({ exp })).replace(/=+$/, "")}.sig`;
    // A sibling subdomain (or any script) can plant a well-formed, unexpired JWT in the cookie.
    // biome-ignore lint/suspicious/noDocumentCookie: simulating a planted JS-readable cookie
    document.cookie = `OxaigenPlatformAuthAccessToken=${jwt}; Path=/`;
    api.close();
    api = startAuthApi({ baseUrl: location.origin });
    const c = track(new AuthClient({ authApiBaseUrl: location.origin }));
    expect(await c.getAccessToken()).toBeNull();
    expect(api.counts["GET /_oxa_auth/get-me"]).toBeGreaterThan(0);
    expect(c.getSnapshot()).toMatchObject({ status: "anonymous", token: null });
  });
});

describe("refresh", () => {
  it("refreshes leeway (60 s) before expiry", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const c = await signedIn();
    const first = c.getSnapshot().token;
    await vi.advanceTimersByTimeAsync(239_000);
    expect(api.counts[REFRESH]).toBe(1); // the restore only
    await vi.advanceTimersByTimeAsync(2_000);
    expect(api.counts[REFRESH]).toBe(2);
    // The mock signs with WebCrypto, which fake time does not drive.
    await vi.waitFor(() => expect(c.getSnapshot().token).not.toBe(first));
    // …and keeps doing so for the next token.
    await vi.advanceTimersByTimeAsync(240_000);
    expect(api.counts[REFRESH]).toBe(3);
  });

  it("honours refreshLeewayMs and never loops on short lifetimes", async () => {
    api.close();
    api = startAuthApi({ expiresIn: 30 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const c = await signedIn({ refreshLeewayMs: 120_000 });
    await vi.advanceTimersByTimeAsync(14_000);
    expect(api.counts[REFRESH]).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000); // half the lifetime: 15 s
    expect(api.counts[REFRESH]).toBe(2);
    expect(c.getSnapshot().status).toBe("authenticated");
  });

  it("runs a single refresh for 20 concurrent token reads", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const c = await signedIn();
    const before = api.counts[REFRESH];
    vi.setSystemTime(Date.now() + 250_000); // inside the leeway, timer not run
    const tokens = await Promise.all(Array.from({ length: 20 }, () => c.getAccessToken()));
    expect(api.counts[REFRESH]).toBe((before ?? 0) + 1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(c.getSnapshot().token);
  });

  it("signs out on a 401 from refresh", async () => {
    const c = await signedIn();
    api.signOutEverywhere();
    expect(await c.refresh()).toBeNull();
    expect(c.getSnapshot()).toMatchObject({ status: "anonymous", token: null });
  });

  it("keeps a still-valid token when an early refresh fails, and reports the error", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const c = await signedIn();
    const token = c.getSnapshot().token;
    api.server.use(
      http.post(`${AUTH}/_oxa_auth/refresh`, () => new HttpResponse(null, { status: 503 })),
    );
    vi.setSystemTime(Date.now() + 250_000);
    expect(await c.getAccessToken()).toBe(token);
    expect(c.getSnapshot().error?.code).toBe("refresh_failed");
    expect(c.getSnapshot().status).toBe("authenticated");
    vi.setSystemTime(Date.now() + 60_000); // now expired
    await expect(c.getAccessToken()).rejects.toMatchObject({ code: "refresh_failed" });
    expect(c.getSnapshot()).toMatchObject({ status: "error", token: null });
  });

  it("rejects malformed token responses", async () => {
    const c = await signedIn();
    for (const body of [
      { access_token: "a b", expires_in: 300 },
      { access_token: "ok", expires_in: "300" },
      { access_token: "ok", expires_in: -1 },
      { access_token: "ok", expires_in: 300, token_type: "mac" },
      ["ok"],
    ]) {
      api.server.use(http.post(`${AUTH}/_oxa_auth/refresh`, () => HttpResponse.json(body)));
      await expect(c.refresh()).rejects.toMatchObject({ code: "refresh_failed" });
    }
  });

  it("logout revokes the session at the auth API: the old token and refresh cookie stop working", async () => {
    const c = await signedIn();
    const token = c.getSnapshot().token;
    let sent: string | null = null;
    api.server.events.on("request:start", ({ request }) => {
      if (request.url.endsWith("/logout")) sent = request.headers.get("authorization");
    });
    await c.logout();
    expect(sent).toBe(`Bearer ${token}`);
    const me = await fetch(`${AUTH}/_oxa_auth/get-me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
    expect(await c.refresh()).toBeNull();
  });

  it("does not resurrect a session when logout happens during a refresh", async () => {
    const c = await signedIn();
    let release = () => {};
    api.server.use(
      http.post(`${AUTH}/_oxa_auth/refresh`, async () => {
        await new Promise<void>((r) => {
          release = r;
        });
        return HttpResponse.json({ access_token: "late", token_type: "Bearer", expires_in: 300 });
      }),
    );
    const refresh = c.refresh();
    await flush();
    const logout = c.logout();
    release();
    expect(await refresh).toBeNull();
    await logout;
    expect(c.getSnapshot()).toMatchObject({ status: "anonymous", token: null });
    expect(api.counts["POST /_oxa_auth/logout"]).toBe(1);
  });
});

describe("Web Locks", () => {
  /** A minimal exclusive LockManager. */
  function fakeLocks() {
    const tails = new Map<string, Promise<unknown>>();
    const names: string[] = [];
    const request = vi.fn((name: string, fn: () => Promise<unknown>) => {
      names.push(name);
      const run = (tails.get(name) ?? Promise.resolve()).then(fn);
      tails.set(
        name,
        run.catch(() => {}),
      );
      return run;
    });
    vi.stubGlobal("navigator", { ...navigator, locks: { request } });
    return { request, names };
  }

  it("refreshes under the cross-tab lock", async () => {
    const c = await signedIn();
    const { names } = fakeLocks();
    await c.refresh();
    expect(names).toEqual(["oxa-auth-refresh"]);
  });

  it("re-checks after taking the lock: no request when another tab already refreshed", async () => {
    const c = await signedIn();
    const { request } = fakeLocks();
    let release = () => {};
    request(
      "oxa-auth-refresh",
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    // What the tab holding the lock got from the auth API (the token must be a real one now).
    const fromOtherTab = await rawRefresh(AUTH);
    const before = api.counts[REFRESH];
    const stale = c.getSnapshot().token;
    const renewed = c.renewToken(stale);
    // The tab holding the lock broadcasts its new token, then releases the lock.
    const otherTab = new BroadcastChannel("oxa-auth-session");
    otherTab.postMessage({
      t: "in",
      at: Date.now(),
      token: fromOtherTab,
      expiresAt: Date.now() + 300_000,
    });
    await vi.waitFor(() => expect(c.getSnapshot().token).toBe(fromOtherTab));
    release();
    expect(await renewed).toBe(fromOtherTab);
    expect(api.counts[REFRESH]).toBe(before);
    otherTab.close();
  });

  it("same-origin: re-checks the access cookie after taking the lock", async () => {
    api.close();
    api = startAuthApi({ baseUrl: location.origin });
    const c = track(new AuthClient({ authApiBaseUrl: location.origin }));
    await c.getAccessToken();
    await popupLogin(c, api.codeFor, location.origin);
    // Another tab refreshed: the auth API set the new token in the JS-readable cookie.
    const jwt = await rawRefresh(location.origin);
    expect(document.cookie).toContain(jwt);
    const before = api.counts[REFRESH];
    expect(await c.renewToken(c.getSnapshot().token)).toBe(jwt);
    expect(api.counts[REFRESH]).toBe(before);
  });

  it("two tabs refreshing at once do not trip the mock's refresh-token reuse detection", async () => {
    fakeLocks();
    const tabA = await signedIn();
    const tabB = client();
    await tabB.getAccessToken();
    const [a, b] = await Promise.all([tabA.refresh(), tabB.refresh()]);
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    // The session survived: one more refresh still works.
    expect(await tabA.refresh()).toBeTruthy();
    expect(tabA.getSnapshot().status).toBe("authenticated");
  });

  it("falls back to the in-tab single flight without Web Locks", async () => {
    vi.stubGlobal("navigator", { ...navigator, locks: undefined });
    const c = await signedIn();
    const before = api.counts[REFRESH] ?? 0;
    await Promise.all([c.refresh(), c.refresh(), c.refresh()]);
    expect(api.counts[REFRESH]).toBe(before + 1);
  });
});

describe("cross-tab sync", () => {
  it("a sign-in and a sign-out in one tab reach the others", async () => {
    const tabA = await signedIn();
    const tabB = client();
    await tabB.getAccessToken();
    await popupLogin(tabA, api.codeFor);
    // The other tab's token is used once get-me confirmed it: wait for that round trip.
    await vi.waitFor(() =>
      expect(tabB.getSnapshot()).toMatchObject({
        status: "authenticated",
        token: tabA.getSnapshot().token,
      }),
    );
    await tabA.logout();
    await flush();
    expect(tabB.getSnapshot()).toMatchObject({ status: "anonymous", token: null });
  });

  it("ignores malformed broadcasts", async () => {
    const c = client();
    await c.getAccessToken();
    const bc = new BroadcastChannel("oxa-auth-session");
    for (const m of [
      { t: "in", at: Date.now(), token: "has space", expiresAt: Date.now() + 1e5 },
      { t: "in", at: Date.now(), token: 7, expiresAt: Date.now() + 1e5 },
      { t: "in", at: Date.now(), token: "ok" },
      { t: "in", token: "ok", expiresAt: Date.now() + 1e5 },
      { t: "in", at: 0, token: "ok", expiresAt: Date.now() + 1e5 },
      "in",
    ]) {
      bc.postMessage(m);
    }
    await flush();
    expect(c.getSnapshot().token).toBeNull();
    bc.close();
  });

  it("ignores a broadcast older than the tab's own latest sign-in or sign-out", async () => {
    const c = await signedIn();
    const mine = c.getSnapshot().token;
    const bc = new BroadcastChannel("oxa-auth-session");
    const stale = Date.now() - 1_000;
    bc.postMessage({ t: "in", at: stale, token: "older", expiresAt: Date.now() + 1e5 });
    bc.postMessage({ t: "out", at: stale });
    await flush();
    expect(c.getSnapshot()).toMatchObject({ status: "authenticated", token: mine });
    bc.postMessage({ t: "out", at: Date.now() });
    await flush();
    expect(c.getSnapshot().status).toBe("anonymous");
    bc.close();
  });

  it("a forged sign-in with a well-formed token the auth API does not confirm changes nothing", async () => {
    const c = client();
    await c.getAccessToken();
    const bc = new BroadcastChannel("oxa-auth-session");
    const forged = `e30.${btoa(JSON.stringify({ exp: Date.now() / 1000 + 300 })).replace(/=+$/, "")}.sig`;
    bc.postMessage({ t: "in", at: Date.now(), token: forged, expiresAt: Date.now() + 1e5 });
    await vi.waitFor(() => expect(api.counts["GET /_oxa_auth/get-me"]).toBe(1));
    await flush();
    expect(c.getSnapshot()).toMatchObject({ status: "anonymous", token: null });
    bc.close();
  });

  it("unbounded numbers never freeze sync: Infinity, NaN and far-future dates are ignored", async () => {
    const tabA = await signedIn();
    const tabB = client();
    await tabB.getAccessToken();
    // Both tabs hold the one session's token before the malformed messages arrive (waited for,
    // not slept on: a loaded machine delivers the sync later).
    await vi.waitFor(() => expect(tabB.getSnapshot().token).toBe(tabA.getSnapshot().token));
    const bc = new BroadcastChannel("oxa-auth-session");
    const token = tabA.getSnapshot().token;
    for (const m of [
      { t: "out", at: Number.POSITIVE_INFINITY },
      { t: "out", at: Number.NaN },
      { t: "out", at: Date.now() + 3_600_000 },
      { t: "in", at: Number.POSITIVE_INFINITY, token, expiresAt: Date.now() + 1e5 },
      { t: "in", at: Date.now(), token, expiresAt: Number.POSITIVE_INFINITY },
      { t: "in", at: Date.now(), token, expiresAt: Date.now() - 1 },
    ]) {
      bc.postMessage(m);
    }
    await flush(100);
    expect(tabB.getSnapshot()).toMatchObject({ status: "authenticated", token });
    // Sync still works afterwards: a real sign-out and sign-in reach the tab.
    await tabA.logout();
    await vi.waitFor(() => expect(tabB.getSnapshot().status).toBe("anonymous"));
    await popupLogin(tabA, api.codeFor);
    await vi.waitFor(() => expect(tabB.getSnapshot().token).toBe(tabA.getSnapshot().token));
    bc.close();
  });
});

describe("origin allow-list", () => {
  it("resolves relative URLs against the document's base URL and hands back the checked URL", () => {
    const base = document.createElement("base");
    base.href = "https://elsewhere.example/app/";
    document.head.append(base);
    try {
      const c = new AuthClient({ authApiBaseUrl: location.origin });
      expect(c.isAllowedUrl("/ws")).toBe(false);
      expect(c.allowedUrl(`${location.origin}/ws`)).toBe(`${location.origin}/ws`);
      const other = new AuthClient({ authApiBaseUrl: "https://elsewhere.example" });
      expect(other.allowedUrl("ws")).toBe("https://elsewhere.example/app/ws");
    } finally {
      base.remove();
    }
  });
});
