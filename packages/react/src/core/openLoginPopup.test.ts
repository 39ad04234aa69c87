import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { AUTH, flush, postMessageFrom, stopAll, stubPopup, track } from "../../test/helpers";
import { AuthClient } from "./AuthClient";
import { AuthClientError } from "./AuthClientError";

let api: ReturnType<typeof startAuthApi>;
beforeEach(() => {
  api = startAuthApi();
});
afterEach(() => {
  stopAll();
  api.close();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const started = (opts = {}) => {
  return track(new AuthClient({ authApiBaseUrl: AUTH, ...opts }));
};

async function expectCode(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthClientError);
  expect((err as AuthClientError).code).toBe(code);
  return err as AuthClientError;
}

describe("popup login", () => {
  it("opens the popup synchronously, accepts the callback message and exchanges the code", async () => {
    const client = started();
    const { popup, open, loginUrl, state, navigated } = stubPopup();
    const login = client.login();
    // Synchronous and blank: popup blockers only allow window.open inside the click task; the
    // sign-in code, loaded meanwhile, then navigates it.
    expect(open).toHaveBeenCalledTimes(1);
    expect(open.mock.calls[0]?.[0]).toBe("");
    await navigated();
    const url = loginUrl();
    expect(url.origin + url.pathname).toBe(`${AUTH}/_oxa_auth/login`);
    expect(url.searchParams.get("origin")).toBe(location.origin);
    expect(url.searchParams.get("return_to")).toBe("/");
    expect(state()).toMatch(/^[A-Za-z0-9_-]{43}$/);

    postMessageFrom(
      { type: "OXA_AUTH_SUCCESS", state: state(), code: await api.codeFor(state()) },
      AUTH,
      popup,
    );
    await login;
    const s = client.getSnapshot();
    expect(s.status).toBe("authenticated");
    expect(s.token).toBeTruthy();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
  });

  it("uses a new random state for every login", async () => {
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const states = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const p = client.login();
      await navigated();
      states.add(state());
      postMessageFrom({ type: "OXA_AUTH_FAILURE", state: state(), reason: "x" }, AUTH, popup);
      await p.catch(() => {});
    }
    expect(states.size).toBe(3);
  });

  it("ignores messages from a foreign origin, another window, with a wrong state or bad types", async () => {
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    const code = await api.codeFor(state());
    const ok = { type: "OXA_AUTH_SUCCESS", state: state(), code };
    postMessageFrom(ok, "http://evil.example", popup);
    postMessageFrom(ok, "https://127.0.0.1:8765", popup);
    postMessageFrom(ok, AUTH, window);
    postMessageFrom(ok, AUTH, null);
    postMessageFrom({ ...ok, state: "wrong" }, AUTH, popup);
    postMessageFrom({ ...ok, state: [state()] }, AUTH, popup);
    postMessageFrom({ ...ok, code: 42 }, AUTH, popup);
    postMessageFrom({ ...ok, code: "" }, AUTH, popup);
    postMessageFrom({ ...ok, type: "oxa_auth_success" }, AUTH, popup);
    postMessageFrom(JSON.stringify(ok), AUTH, popup);
    postMessageFrom({ type: "OXA_AUTH_FAILURE", state: "wrong", reason: "x" }, AUTH, popup);
    postMessageFrom(
      { type: "OXA_AUTH_FAILURE", state: state(), reason: "x" },
      "http://evil.example",
      popup,
    );
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBeUndefined();
    expect(client.getSnapshot().status).not.toBe("authenticated");

    postMessageFrom(ok, AUTH, popup);
    await login;
    expect(client.getSnapshot().status).toBe("authenticated");
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
  });

  it("rejects with popup_blocked when window.open returns null", async () => {
    const client = started();
    vi.spyOn(window, "open").mockReturnValue(null);
    // `auto`, the default, would fall back to a redirect sign-in instead.
    await expectCode(client.login({ mode: "popup" }), "popup_blocked");
    expect(client.getSnapshot().error?.code).toBe("popup_blocked");
  });

  it("rejects with login_failed and the reason on OXA_AUTH_FAILURE", async () => {
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    api.mock.setState({ loginError: "access_denied" });
    const failure = await api.mock.completeLogin({ state: state(), origin: location.origin });
    expect(failure.type).toBe("OXA_AUTH_FAILURE");
    postMessageFrom(failure, AUTH, popup);
    const err = await expectCode(login, "login_failed");
    expect(err.reason).toBe("access_denied");
  });

  it("rejects with popup_closed only after a grace period", async () => {
    vi.useFakeTimers();
    const client = started();
    const { popup, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    const settled = vi.fn();
    login.catch(settled);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2500);
    await expectCode(login, "popup_closed");
  });

  it("survives popup.closed reading true briefly (COOP) when the message then arrives", async () => {
    vi.useFakeTimers();
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(1000);
    const code = await api.codeFor(state());
    postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup);
    vi.useRealTimers();
    await login;
    expect(client.getSnapshot().status).toBe("authenticated");
  });

  it("rejects with timeout after 60 s by default and closes the popup", async () => {
    vi.useFakeTimers();
    const client = started();
    const { popup, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    const settled = vi.fn();
    login.catch(settled);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_500);
    await expectCode(login, "timeout");
    expect(popup.close).toHaveBeenCalled();
  });

  it("honours popupTimeoutMs", async () => {
    vi.useFakeTimers();
    const client = started({ popupTimeoutMs: 5_000 });
    const { navigated } = stubPopup();
    const login = client.login();
    await navigated();
    login.catch(() => {});
    await vi.advanceTimersByTimeAsync(5_100);
    await expectCode(login, "timeout");
  });

  it("returns the same promise for a second login() while one runs", async () => {
    const client = started();
    const { popup, open, state, navigated } = stubPopup();
    const first = client.login();
    await navigated();
    const second = client.login();
    await navigated();
    expect(second).toBe(first);
    expect(open).toHaveBeenCalledTimes(1);
    postMessageFrom(
      { type: "OXA_AUTH_SUCCESS", state: state(), code: await api.codeFor(state()) },
      AUTH,
      popup,
    );
    await Promise.all([first, second]);
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
    // Once settled, a new login opens a new popup.
    client.login().catch(() => {});
    expect(open).toHaveBeenCalledTimes(2);
  });

  it("rejects with exchange_failed when a code is used twice", async () => {
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const first = client.login();
    await navigated();
    const code = await api.codeFor(state());
    postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup);
    await first;
    const second = client.login();
    await navigated();
    postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup);
    await expectCode(second, "exchange_failed");
  });

  it("rejects with exchange_failed when the code is refused", async () => {
    const client = started();
    const { popup, state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    postMessageFrom(
      { type: "OXA_AUTH_SUCCESS", state: state(), code: "never-issued" },
      AUTH,
      popup,
    );
    await expectCode(login, "exchange_failed");
    expect(client.getSnapshot().token).toBeNull();
  });

  it("same-origin: accepts the callback's BroadcastChannel fallback when COOP cut the opener", async () => {
    api.close();
    api = startAuthApi({ baseUrl: location.origin });
    const client = started({ authApiBaseUrl: location.origin });
    const { state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    const code = await api.codeFor(state());
    const wrong = new BroadcastChannel("oxa-auth:wrong-state");
    wrong.postMessage({ type: "OXA_AUTH_SUCCESS", state: "wrong-state", code });
    const channel = new BroadcastChannel(`oxa-auth:${state()}`);
    channel.postMessage({ type: "OXA_AUTH_SUCCESS", state: "not-it", code });
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBeUndefined();
    channel.postMessage({ type: "OXA_AUTH_SUCCESS", state: state(), code });
    await login;
    expect(client.getSnapshot().status).toBe("authenticated");
    channel.close();
    wrong.close();
  });

  it("cross-origin: does not listen on the BroadcastChannel (the callback cannot reach it)", async () => {
    const client = started();
    const { state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    login.catch(() => {});
    const channel = new BroadcastChannel(`oxa-auth:${state()}`);
    channel.postMessage({
      type: "OXA_AUTH_SUCCESS",
      state: state(),
      code: await api.codeFor(state()),
    });
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBeUndefined();
    channel.close();
  });
});
