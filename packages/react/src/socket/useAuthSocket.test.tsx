import type { AddressInfo } from "node:net";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { http, passthrough } from "msw";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer, WebSocket as WS } from "ws";
import { startAuthApi } from "../../test/authApi";
import { AUTH, popupLogin } from "../../test/helpers";
import { AuthClient } from "../core/AuthClient";
import { AuthProvider } from "../react/AuthProvider";
import type { AuthSocketOptions } from "./connectAuthSocket";
import { useAuthSocket } from "./useAuthSocket";

let api: ReturnType<typeof startAuthApi>;
let server: WebSocketServer;
let origin: string;
const tokens: string[] = [];
const closes: number[] = [];

beforeEach(async () => {
  api = startAuthApi();
  tokens.length = 0;
  closes.length = 0;
  server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => (offered.has("oxa-auth") ? "oxa-auth" : false),
  });
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The socket's upgrade request goes to the real ws server, past the mocked auth API.
  api.server.use(http.all(`${origin}/*`, () => passthrough()));
  server.on("connection", (socket, req) => {
    const offered = String(req.headers["sec-websocket-protocol"]);
    tokens.push(offered.split(/,\s*/)[1]?.replace("oxa-auth.bearer.", "") ?? "");
    socket.on("close", (code) => closes.push(code));
  });
});

afterEach(async () => {
  cleanup();
  api.close();
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

describe("useAuthSocket", () => {
  it("opens on sign-in with the session's token and closes (1000) on sign-out", async () => {
    const client = new AuthClient({ authApiBaseUrl: AUTH, apiOrigins: [origin] });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <AuthProvider client={client}>{children}</AuthProvider>
    );
    const { result } = renderHook(
      () =>
        useAuthSocket(`${origin.replace("http", "ws")}/ws`, {
          WebSocket: WS as unknown as AuthSocketOptions["WebSocket"],
        }),
      { wrapper },
    );
    await act(() => client.getAccessToken());
    expect(result.current.state).toBe("idle");
    expect(tokens).toEqual([]);

    await act(() => popupLogin(client, api.codeFor));
    await waitFor(() => expect(result.current.state).toBe("open"));
    expect(tokens).toEqual([client.getSnapshot().token]);
    expect(result.current.send("hi")).toBe(true);

    await act(() => client.logout());
    await waitFor(() => expect(result.current.state).toBe("idle"));
    await waitFor(() => expect(closes).toEqual([1000]));
    expect(tokens).toHaveLength(1);
  });
});
