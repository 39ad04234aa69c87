import { USER_FIXTURES } from "@org/auth-user/fixtures";
import { QueryClient } from "@tanstack/react-query";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { HttpResponse, http } from "msw";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuthApi } from "../../test/authApi";
import { API, AUTH, popupLogin } from "../../test/helpers";
import { AuthClient } from "../core/AuthClient";
import { AuthProvider } from "./AuthProvider";
import { useOnSignOut } from "./useOnSignOut";
import { useUser } from "./useUser";

let api: ReturnType<typeof startAuthApi>;
let client: AuthClient;
beforeEach(() => {
  api = startAuthApi();
  client = new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [API] });
});
afterEach(() => {
  cleanup();
  api.close();
  vi.restoreAllMocks();
});

const wrapper = ({ children }: { children?: ReactNode }) => (
  <AuthProvider
    client={client}
    queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })}
  >
    {children}
  </AuthProvider>
);

async function signIn() {
  await client.getAccessToken();
  await act(() => popupLogin(client, api.codeFor));
}

describe("useUser", () => {
  for (const { name, wire, user } of USER_FIXTURES) {
    it(`maps get-me to the shared User shape: ${name}`, async () => {
      api.server.use(http.get(`${AUTH}/_oxa_auth/get-me`, () => HttpResponse.json(wire)));
      const { result } = renderHook(() => useUser(), { wrapper });
      await signIn();
      await waitFor(() => expect(result.current.data).toEqual(user));
      // The raw wire object stays reachable.
      expect(await client.getUser()).toEqual(wire);
    });
  }
});

describe("useOnSignOut", () => {
  it("runs on a sign-out here and in another tab, not on sign-in or refresh", async () => {
    const onSignOut = vi.fn();
    renderHook(() => useOnSignOut(onSignOut), { wrapper });
    await signIn();
    await act(() => client.refresh());
    expect(onSignOut).not.toHaveBeenCalled();
    await act(() => client.logout());
    expect(onSignOut).toHaveBeenCalledTimes(1);

    // Another tab signs out: the callback runs here too.
    await signIn();
    const otherTab = new AuthClient({ authApiBaseUrl: AUTH });
    const stop = otherTab.start();
    await otherTab.getAccessToken();
    await act(() => otherTab.logout());
    await waitFor(() => expect(onSignOut).toHaveBeenCalledTimes(2));
    stop();
  });

  it("calls the latest callback", async () => {
    const first = vi.fn();
    const second = vi.fn();
    const { rerender } = renderHook(({ fn }) => useOnSignOut(fn), {
      wrapper,
      initialProps: { fn: first },
    });
    rerender({ fn: second });
    await signIn();
    await act(() => client.logout());
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });
});
