// Step-up (RFC 9470) in the client: authFetch against an API that guards a route with a level,
// the auth API being the mock's msw handlers (which issue `acr` as the login asked).
import { cleanup, renderHook } from "@testing-library/react";
import { HttpResponse, http } from "msw";
import { createElement, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import {
  API,
  AUTH,
  popupLogin,
  postMessageFrom,
  stopAll,
  stubPopup,
  track,
} from "../../test/helpers";
import { AuthProvider } from "../react/AuthProvider";
import { useStepUp } from "../react/useStepUp";
import { AuthClient } from "./AuthClient";
import { AuthClientError, StepUpRequiredError } from "./AuthClientError";
import type { AuthClientOptions } from "./AuthClientOptions";

const CHALLENGE =
  'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa", max_age="300"';
const BODY = {
  error: "insufficient_user_authentication",
  message: "A different authentication level is required",
  acr_values: "mfa",
  max_age: 300,
};

let api: ReturnType<typeof startAuthApi>;
/** What the guarded route saw: the acr of each token and the body of each request. */
const calls: Array<{ acr: unknown; body: string }> = [];
/** How the route challenges: the header and the body (cross-origin: the body only). */
let challenge: { header: boolean; always: boolean };

const acrOf = (request: Request) => {
  const token = request.headers.get("authorization")?.slice(7) ?? "";
  return JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).acr;
};

beforeEach(() => {
  api = startAuthApi();
  calls.length = 0;
  challenge = { header: true, always: false };
  api.server.use(
    http.post(`${API}/v1/workspace/delete`, async ({ request }) => {
      const acr = acrOf(request);
      calls.push({ acr, body: await request.text() });
      if (acr === "mfa" && !challenge.always) return HttpResponse.json({ deleted: true });
      const headers: Record<string, string> = challenge.header
        ? { "www-authenticate": CHALLENGE }
        : {};
      return HttpResponse.json(BODY, { status: 401, headers });
    }),
    http.post(`${API}/v1/expired`, () =>
      HttpResponse.json(
        { error: "invalid_token" },
        { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
      ),
    ),
  );
});
afterEach(() => {
  cleanup();
  stopAll();
  api.close();
  vi.restoreAllMocks();
});

async function signedIn(options: AuthClientOptions = {}) {
  const c = track(new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API], ...options }));
  await c.getAccessToken();
  await popupLogin(c, api.codeFor);
  return c;
}

/** Answers the step-up popup as the auth API would, signing in at the level its URL asks for. */
async function answerPopup(stub: ReturnType<typeof stubPopup>) {
  await stub.navigated();
  const url = stub.loginUrl();
  const message = await api.mock.completeLogin({
    state: stub.state(),
    origin: location.origin,
    acrValues: url.searchParams.get("acr_values"),
    maxAge: url.searchParams.get("max_age"),
  });
  postMessageFrom(message, AUTH, stub.popup);
  return url;
}

const del = (c: AuthClient) =>
  c.fetch(`${API}/v1/workspace/delete`, { method: "POST", body: "ws-1" });

describe("step-up challenges in authFetch", () => {
  it("without opting in: rejects with StepUpRequiredError carrying the requirement, and never refreshes", async () => {
    const c = await signedIn();
    const refreshes = api.counts["POST /_oxa_auth/refresh"] ?? 0;
    const error = await del(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepUpRequiredError);
    expect(error).toBeInstanceOf(AuthClientError);
    expect(error).toMatchObject({ code: "step_up_required", acrValues: ["mfa"], maxAge: 300 });
    expect(calls).toEqual([{ acr: "pwd", body: "ws-1" }]);
    expect(api.counts["POST /_oxa_auth/refresh"] ?? 0).toBe(refreshes);
  });

  it("reads the JSON body when the header is not exposed (a cross-origin API)", async () => {
    challenge.header = false;
    const c = await signedIn();
    await expect(del(c)).rejects.toMatchObject({ acrValues: ["mfa"], maxAge: 300 });
  });

  it("stepUp: 'popup' signs in again with acr_values / max_age, then retries once with the body", async () => {
    const c = await signedIn({ stepUp: "popup" });
    const stub = stubPopup();
    const pending = del(c);
    const url = await answerPopup(stub);
    expect(url.searchParams.get("acr_values")).toBe("mfa");
    expect(url.searchParams.get("max_age")).toBe("300");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true });
    expect(calls).toEqual([
      { acr: "pwd", body: "ws-1" },
      { acr: "mfa", body: "ws-1" },
    ]);
  });

  it("no loop: a second challenge after the step-up rejects, after exactly one sign-in", async () => {
    challenge.always = true;
    const c = await signedIn({ stepUp: "popup" });
    const stub = stubPopup();
    const pending = del(c).catch((e: unknown) => e);
    await answerPopup(stub);
    expect(await pending).toBeInstanceOf(StepUpRequiredError);
    expect(stub.open).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => call.acr)).toEqual(["pwd", "mfa"]);
  });

  it("stepUp: 'redirect' navigates to the login with the requirement", async () => {
    const assign = vi.spyOn(location, "assign").mockImplementation(() => {});
    const c = await signedIn({ stepUp: "redirect" });
    void del(c);
    await vi.waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    const url = new URL(String(assign.mock.calls[0]?.[0]));
    expect(url.pathname).toBe("/_oxa_auth/login");
    expect(url.searchParams.get("mode")).toBe("redirect");
    expect(url.searchParams.get("acr_values")).toBe("mfa");
    expect(url.searchParams.get("max_age")).toBe("300");
  });

  it("an ordinary 401 still refreshes and retries, never a step-up", async () => {
    const c = await signedIn({ stepUp: "popup" });
    const open = vi.spyOn(window, "open");
    const refreshes = api.counts["POST /_oxa_auth/refresh"] ?? 0;
    const res = await c.fetch(`${API}/v1/expired`, { method: "POST" });
    expect(res.status).toBe(401);
    expect(api.counts["POST /_oxa_auth/refresh"]).toBe(refreshes + 1);
    expect(open).not.toHaveBeenCalled();
  });
});

describe("useStepUp", () => {
  it("signs in at the level of the caught error, so the retry passes", async () => {
    const c = await signedIn();
    const error = (await del(c).catch((e: unknown) => e)) as StepUpRequiredError;
    const wrapper = ({ children }: { children?: ReactNode }) =>
      createElement(AuthProvider, { client: c }, children);
    const { result } = renderHook(() => useStepUp(), { wrapper });
    const stub = stubPopup();
    const done = result.current(error);
    const url = await answerPopup(stub);
    await done;
    expect(url.searchParams.get("acr_values")).toBe("mfa");
    expect((await del(c)).status).toBe(200);
  });

  it("login refuses a malformed requirement before any navigation", async () => {
    const c = await signedIn();
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    await expect(c.login({ mode: "popup", acrValues: ["mfa"], maxAge: -1 })).rejects.toMatchObject({
      code: "invalid_argument",
    });
    open.mockRestore();
  });
});
