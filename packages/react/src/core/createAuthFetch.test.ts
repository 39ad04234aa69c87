import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { API, AUTH, popupLogin, stopAll, track } from "../../test/helpers";
import { AuthClient } from "./AuthClient";
import { AuthClientError } from "./AuthClientError";

let api: ReturnType<typeof startAuthApi>;
const seen: Array<{ url: string; auth: string | null; body: string }> = [];
beforeEach(() => {
  api = startAuthApi();
  seen.length = 0;
  const record = async ({ request }: { request: Request }) => {
    seen.push({
      url: request.url,
      auth: request.headers.get("authorization"),
      body: await request.text(),
    });
    return HttpResponse.json({ ok: true });
  };
  api.server.use(
    http.all(`${API}/*`, record),
    http.all("http://other.example/*", record),
    http.all("https://api.example/*", record),
    http.all("http://api.example/*", record),
  );
});
afterEach(() => {
  stopAll();
  api.close();
});

async function signedIn(apiOrigins = [API]) {
  const c = track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins }));
  await c.getAccessToken();
  await popupLogin(c, api.codeFor);
  return c;
}

describe("createAuthFetch", () => {
  it("adds the Bearer token for an allowed API origin", async () => {
    const c = await signedIn();
    await c.fetch(`${API}/v1/me`);
    expect(seen[0]?.auth).toBe(`Bearer ${c.getSnapshot().token}`);
  });

  it("never sends the token to another origin, nor downgraded to http", async () => {
    const c = await signedIn([API, "https://api.example"]);
    await c.fetch("http://other.example/steal");
    await c.fetch(new Request("http://other.example/steal"));
    await c.fetch("http://api.example/x"); // allowed only on https
    await c.fetch("https://api.example/x");
    expect(seen.map((s) => s.auth)).toEqual([null, null, null, `Bearer ${c.getSnapshot().token}`]);
  });

  it("a request that never reaches the API says so: network_error naming CORS, the TypeError as cause, no token", async () => {
    const c = await signedIn();
    const token = c.getSnapshot().token as string;
    // What a browser does to a cross-origin call its CORS check refuses: fetch rejects "Failed to fetch".
    api.server.use(http.all(`${API}/*`, () => HttpResponse.error()));
    const failure = await c.fetch(`${API}/v1/me?page=2`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthClientError);
    const error = failure as AuthClientError;
    expect(error.code).toBe("network_error");
    expect(error.message).toBe(`Failed before reaching ${API}: CORS, or the API is down?`);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(
      token,
    );
    // Signed out or to another origin: the same error.
    await expect(
      track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] })).fetch(`${API}/x`),
    ).rejects.toMatchObject({ code: "network_error" });
  });

  it("an aborted request rejects with the AbortError as it was", async () => {
    const c = await signedIn();
    const controller = new AbortController();
    controller.abort();
    const failure = await c.fetch(`${API}/v1/me`, { signal: controller.signal }).catch((e) => e);
    expect(failure).not.toBeInstanceOf(AuthClientError);
    expect((failure as Error).name).toBe("AbortError");
  });

  it("sends nothing while signed out", async () => {
    const c = track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] }));
    await c.fetch(`${API}/v1/me`);
    expect(seen[0]?.auth).toBeNull();
  });

  it("on a 401 refreshes once and retries once, with the body", async () => {
    const c = await signedIn();
    const first = c.getSnapshot().token;
    const auths: Array<string | null> = [];
    api.server.use(
      http.post(`${API}/v1/things`, async ({ request }) => {
        auths.push(request.headers.get("authorization"));
        const body = await request.text();
        return auths.length === 1
          ? new HttpResponse(null, { status: 401 })
          : HttpResponse.json({ body });
      }),
    );
    const res = await c.fetch(`${API}/v1/things`, { method: "POST", body: "payload" });
    expect(await res.json()).toEqual({ body: "payload" });
    expect(auths).toEqual([`Bearer ${first}`, `Bearer ${c.getSnapshot().token}`]);
    expect(c.getSnapshot().token).not.toBe(first);
  });

  it("retries at most once and returns the second 401", async () => {
    const c = await signedIn();
    let calls = 0;
    api.server.use(
      http.get(`${API}/v1/x`, () => {
        calls++;
        return new HttpResponse(null, { status: 401 });
      }),
    );
    const res = await c.fetch(`${API}/v1/x`);
    expect(res.status).toBe(401);
    expect(calls).toBe(2);
  });

  it("returns the 401 without retrying when the session is over", async () => {
    const c = await signedIn();
    let calls = 0;
    api.server.use(
      http.get(`${API}/v1/x`, () => {
        calls++;
        return new HttpResponse(null, { status: 401 });
      }),
    );
    api.signOutEverywhere();
    expect((await c.fetch(`${API}/v1/x`)).status).toBe(401);
    expect(calls).toBe(1);
    expect(c.getSnapshot().status).toBe("anonymous");
  });

  it("refuses a bad apiOrigins entry loudly instead of silently sending nothing", async () => {
    for (const bad of ["api.example", "ws://api.example", "file:///etc"]) {
      const c = track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [bad] }));
      await expect(c.fetch(`${API}/v1/me`)).rejects.toMatchObject({ code: "invalid_argument" });
    }
    expect(seen).toEqual([]);
  });

  it("checks origins of ws(s) URLs by their http(s) equivalent", async () => {
    const c = await signedIn([API, "https://api.example"]);
    expect(c.isAllowedUrl("ws://127.0.0.1:8000/ws")).toBe(true);
    expect(c.isAllowedUrl("wss://api.example/ws")).toBe(true);
    expect(c.isAllowedUrl("ws://api.example/ws")).toBe(false);
    expect(c.isAllowedUrl("wss://other.example/ws")).toBe(false);
    expect(c.isAllowedUrl(`${AUTH}/x`)).toBe(true);
    expect(c.isAllowedUrl("not a url at all ::")).toBe(false);
  });
});
