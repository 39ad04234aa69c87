import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  act,
  cleanup,
  fireEvent,
  render,
  renderHook,
  screen,
  waitFor,
} from "@testing-library/react";
import { type ReactNode, StrictMode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { API, AUTH, flush, postMessageFrom, stubPopup } from "../../test/helpers";
import { AuthClient } from "../core/AuthClient";
import { AuthClientError } from "../core/AuthClientError";
import { AuthProvider } from "./AuthProvider";
import { PermissionGate } from "./PermissionGate";
import { RequireAuth } from "./RequireAuth";
import { useAccessToken } from "./useAccessToken";
import { useAuth } from "./useAuth";
import { useAuthClient } from "./useAuthClient";
import { useAuthWebSocket, useAuthWebSocketProtocols } from "./useAuthWebSocketProtocols";
import { useAuthWebSocketUrl } from "./useAuthWebSocketUrl";

let api: ReturnType<typeof startAuthApi>;
let queryClient: QueryClient;
beforeEach(() => {
  api = startAuthApi();
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
});
afterEach(() => {
  cleanup();
  api.close();
  vi.restoreAllMocks();
});

function Session() {
  const { status, user, login, logout } = useAuth();
  const token = useAccessToken();
  return (
    <div>
      <span data-testid="status">{status}</span>
      <span data-testid="email">{user?.email ?? "-"}</span>
      <span data-testid="token">{token ? "yes" : "no"}</span>
      <button type="button" onClick={() => login().catch(() => {})}>
        in
      </button>
      <button type="button" onClick={() => logout()}>
        out
      </button>
    </div>
  );
}

const wrap = (children: ReactNode, props = {}) => (
  <AuthProvider authApiBaseUrl={AUTH} apiOrigins={[API]} queryClient={queryClient} {...props}>
    {children}
  </AuthProvider>
);

async function clickLogin() {
  const { popup, state, open, navigated } = stubPopup();
  fireEvent.click(screen.getByText("in"));
  await navigated();
  expect(open).toHaveBeenCalledTimes(1); // inside the click, before any await
  const code = await api.codeFor(state());
  act(() => postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup));
  open.mockRestore();
}

/** Every URL the app saw while rendering. */
const hrefsSeen: string[] = [];
function Spy() {
  hrefsSeen.push(location.href);
  return null;
}

const text = (id: string) => screen.getByTestId(id).textContent;

describe("AuthProvider + useAuth", () => {
  it("goes loading → anonymous → authenticated with the user, then signs out", async () => {
    const onSignIn = vi.fn();
    const onSignOut = vi.fn();
    render(wrap(<Session />, { onSignIn, onSignOut }));
    expect(text("status")).toBe("loading");
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    expect(text("status")).toBe("authenticated");
    expect(text("token")).toBe("yes");
    expect(onSignIn).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByText("out"));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    expect(text("email")).toBe("-");
    expect(onSignOut).toHaveBeenCalledTimes(1);
  });

  it("redirect return under StrictMode: children never see the code; one exchange", async () => {
    const state = "s".repeat(43);
    sessionStorage.setItem(
      "oxa-auth:redirect",
      JSON.stringify({ state, returnTo: `${location.origin}/back?x=1`, createdAt: Date.now() }),
    );
    const code = await api.codeFor(state);
    history.replaceState(null, "", `/landing#oxa_auth_code=${code}&oxa_auth_state=${state}`);
    const seen = hrefsSeen.splice(0);
    render(
      <StrictMode>
        {wrap(
          <>
            <Spy />
            <Session />
          </>,
        )}
      </StrictMode>,
    );
    await waitFor(() => expect(text("status")).toBe("authenticated"));
    await flush();
    seen.push(...hrefsSeen.splice(0));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((href) => href === `${location.origin}/back?x=1`)).toBe(true);
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
    history.replaceState(null, "", "/");
  });

  it("StrictMode: restores once and exchanges the code once", async () => {
    render(<StrictMode>{wrap(<Session />)}</StrictMode>);
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("status")).toBe("authenticated"));
    await flush();
    expect(api.counts["POST /_oxa_auth/token-exchange"]).toBe(1);
    expect(api.counts["POST /_oxa_auth/refresh"]).toBe(1);
  });

  it("sign-out clears the auth queries from react-query", async () => {
    render(wrap(<Session />));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    const authQueries = () =>
      queryClient
        .getQueryCache()
        .findAll({ queryKey: ["oxa-auth"] })
        .filter((q) => q.state.data !== undefined);
    expect(authQueries()).toHaveLength(1);
    fireEvent.click(screen.getByText("out"));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    expect(authQueries()).toHaveLength(0);
  });

  it("never shows the previous session's user while the next session loads", async () => {
    render(wrap(<Session />));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    fireEvent.click(screen.getByText("out"));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    let release = () => {};
    const { http, HttpResponse } = await import("msw");
    api.server.use(
      http.get(`${AUTH}/_oxa_auth/get-me`, async () => {
        await new Promise<void>((r) => {
          release = r;
        });
        return HttpResponse.json({ email: "second@example.com" });
      }),
    );
    await clickLogin();
    await waitFor(() => expect(text("status")).toBe("authenticated"));
    expect(text("email")).toBe("-");
    release();
    await waitFor(() => expect(text("email")).toBe("second@example.com"));
  });

  it("a sign-in in another tab starts a new session here: the old user is not shown", async () => {
    const here = new AuthClient({ authApiBaseUrl: AUTH });
    render(wrap(<Session />, { client: here }));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    let release = () => {};
    const { http, HttpResponse } = await import("msw");
    api.server.use(
      http.get(`${AUTH}/_oxa_auth/get-me`, async ({ request }) => {
        // This tab confirming the other tab's token (cookie-less): answer it at once.
        if (request.credentials === "omit")
          return HttpResponse.json({ email: "other@example.com" });
        await new Promise<void>((r) => {
          release = r;
        });
        return HttpResponse.json({ email: "other@example.com" });
      }),
    );
    const otherTab = new AuthClient({ authApiBaseUrl: AUTH });
    const stop = otherTab.start();
    await otherTab.getAccessToken();
    const { popup, state, open, navigated } = stubPopup();
    const login = otherTab.login();
    await navigated();
    postMessageFrom(
      { type: "OXA_AUTH_SUCCESS", state: state(), code: await api.codeFor(state()) },
      AUTH,
      popup,
    );
    await login;
    open.mockRestore();
    await waitFor(() => expect(text("email")).toBe("-"));
    expect(text("status")).toBe("authenticated");
    release();
    await waitFor(() => expect(text("email")).toBe("other@example.com"));
    stop();
  });

  it("query keys carry a session number, never the token", async () => {
    const { result } = renderHook(() => useAuthClient(), {
      wrapper: ({ children }) => wrap(children),
    });
    await act(() => result.current.getAccessToken());
    render(wrap(<Session />, { client: result.current }));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    const token = result.current.getSnapshot().token ?? "";
    expect(token).not.toBe("");
    for (const q of queryClient.getQueryCache().getAll()) {
      expect(JSON.stringify(q.queryKey)).not.toContain(token);
    }
  });

  it("uses an outer QueryClientProvider's client when none is passed", async () => {
    render(
      <QueryClientProvider client={queryClient}>
        <AuthProvider authApiBaseUrl={AUTH}>
          <Session />
        </AuthProvider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("email")).toBe("mock.user@example.com"));
    expect(queryClient.getQueryCache().findAll({ queryKey: ["oxa-auth"] })).toHaveLength(1);
  });

  it("explains a missing provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    let thrown: unknown;
    try {
      renderHook(() => useAuth());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AuthClientError);
    expect((thrown as AuthClientError).code).toBe("invalid_argument");
    expect((thrown as AuthClientError).message).toMatch(/wrap your app in <AuthProvider>/);
  });
});

describe("RequireAuth and PermissionGate", () => {
  it("render loading, fallback, then children; gates by permission", async () => {
    render(
      wrap(
        <>
          <Session />
          <RequireAuth fallback={<p>please sign in</p>} loading={<p>wait</p>}>
            <p>secret</p>
          </RequireAuth>
          <PermissionGate permission="read" fallback={<p>no read</p>} loading={<p>checking</p>}>
            <p>can read</p>
          </PermissionGate>
          <PermissionGate permission="admin" fallback={<p>no admin</p>}>
            <p>can admin</p>
          </PermissionGate>
        </>,
      ),
    );
    expect(screen.getByText("wait")).toBeTruthy();
    expect(screen.getByText("checking")).toBeTruthy();
    await screen.findByText("please sign in");
    expect(screen.getByText("no read")).toBeTruthy();
    await clickLogin();
    await screen.findByText("secret");
    await screen.findByText("can read");
    await screen.findByText("no admin");
    expect(screen.queryByText("can admin")).toBeNull();
    fireEvent.click(screen.getByText("out"));
    await screen.findByText("please sign in");
    expect(screen.queryByText("can read")).toBeNull();
  });

  it("PermissionGate asks for provider-style names percent-encoded (read:messages, URLs)", async () => {
    api.mock.setState({ permissions: ["read:messages", "https://api.example.com/read"] });
    render(
      wrap(
        <>
          <Session />
          <PermissionGate permission="read:messages" fallback={<p>no messages</p>}>
            <p>can read messages</p>
          </PermissionGate>
          <PermissionGate permission="https://api.example.com/read" fallback={<p>no url</p>}>
            <p>can read url</p>
          </PermissionGate>
          <PermissionGate permission="reports:read" fallback={<p>no reports</p>}>
            <p>can read reports</p>
          </PermissionGate>
        </>,
      ),
    );
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await screen.findByText("can read messages");
    await screen.findByText("can read url");
    await screen.findByText("no reports");
    expect(api.counts["POST /_oxa_auth/test-app-permission/read%3Amessages"]).toBeGreaterThan(0);
  });

  it("PermissionGate fails closed on an invalid permission name", async () => {
    render(
      wrap(
        <>
          <Session />
          <PermissionGate permission="audit log" fallback={<p>denied</p>}>
            <p>in</p>
          </PermissionGate>
        </>,
      ),
    );
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("status")).toBe("authenticated"));
    await screen.findByText("denied");
    await flush();
    expect(Object.keys(api.counts).filter((k) => /permission|admin/.test(k))).toEqual([]);
  });
});

describe("WebSocket hooks", () => {
  it("give the current token as subprotocols (stable per token) and URL; null when signed out", async () => {
    const client = new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] });
    const { result, rerender } = renderHook(
      () => ({
        protocols: useAuthWebSocketProtocols("ws://127.0.0.1:8000/ws"),
        url: useAuthWebSocketUrl("ws://127.0.0.1:8000/ws"),
      }),
      { wrapper: ({ children }) => wrap(children, { client }) },
    );
    await act(() => client.getAccessToken());
    expect(result.current).toEqual({ protocols: null, url: null });
    const { popup, state, navigated } = stubPopup();
    const login = client.login();
    await navigated();
    const code = await api.codeFor(state());
    postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup);
    await act(() => login);
    const token = client.getSnapshot().token;
    expect(result.current.protocols).toEqual(["oxa-auth", `oxa-auth.bearer.${token}`]);
    expect(result.current.url).toBe(`ws://127.0.0.1:8000/ws?access_token=${token}`);
    const first = result.current.protocols;
    rerender();
    expect(result.current.protocols).toBe(first);
    await act(() => client.refresh());
    expect(result.current.protocols?.[1]).toBe(`oxa-auth.bearer.${client.getSnapshot().token}`);
  });

  it("resolve a relative URL as the browser will (document base URL) and hand back that absolute URL", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const client = new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] });
    const base = document.createElement("base");
    document.head.append(base);
    try {
      await act(() => client.getAccessToken());
      const { popup, state, navigated } = stubPopup();
      const login = client.login();
      await navigated();
      const code = await api.codeFor(state());
      postMessageFrom({ type: "OXA_AUTH_SUCCESS", state: state(), code }, AUTH, popup);
      await act(() => login);
      const token = client.getSnapshot().token;
      const hooks = () =>
        renderHook(() => ({ socket: useAuthWebSocket("ws"), url: useAuthWebSocketUrl("ws") }), {
          wrapper: ({ children }) => wrap(children, { client }),
        });
      base.href = `${API}/app/`;
      expect(hooks().result.current).toEqual({
        socket: {
          url: "ws://127.0.0.1:8000/app/ws",
          protocols: ["oxa-auth", `oxa-auth.bearer.${token}`],
        },
        url: `ws://127.0.0.1:8000/app/ws?access_token=${token}`,
      });
      // An injected <base href> points the same relative URL at another origin: refused.
      base.href = "https://evil.example/";
      expect(hooks).toThrow(/apiOrigins/);
    } finally {
      base.remove();
    }
  });

  it("refuse to put the token on a socket to a non-allowed origin", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const client = new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] });
    render(wrap(<Session />, { client }));
    await waitFor(() => expect(text("status")).toBe("anonymous"));
    await clickLogin();
    await waitFor(() => expect(text("status")).toBe("authenticated"));
    expect(() =>
      renderHook(() => useAuthWebSocketProtocols("wss://evil.example/ws"), {
        wrapper: ({ children }) => wrap(children, { client }),
      }),
    ).toThrow(/apiOrigins/);
  });
});
