import { describe, expect, it } from "vitest";
import { AuthClientError } from "./AuthClientError";
import { authWebSocketProtocols } from "./authWebSocketProtocols";
import { withAccessToken } from "./withAccessToken";

describe("WebSocket helpers", () => {
  it("withAccessToken sets the access_token query parameter, keeping others", () => {
    expect(withAccessToken("wss://api.example/ws?room=1&access_token=old", "a.b-c_d")).toBe(
      "wss://api.example/ws?room=1&access_token=a.b-c_d",
    );
    expect(withAccessToken("/ws", "t")).toBe(`${location.origin}/ws?access_token=t`);
  });

  it("authWebSocketProtocols carries the token in the server SDK's format", () => {
    expect(authWebSocketProtocols("eyJ.a-b_c.d")).toEqual([
      "oxa-auth",
      "oxa-auth.bearer.eyJ.a-b_c.d",
    ]);
  });

  it("authWebSocketProtocols refuses tokens that are not RFC 7230 tchars", () => {
    for (const bad of ["", "a b", "a,b", "a/b", "a\r\nb", "a=b"]) {
      expect(() => authWebSocketProtocols(bad)).toThrow(AuthClientError);
    }
  });
});
