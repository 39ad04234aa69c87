// @vitest-environment node
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AuthClient } from "../core/AuthClient";
import { AuthProvider } from "./AuthProvider";
import { PermissionGate } from "./PermissionGate";
import { RequireAuth } from "./RequireAuth";
import { useAccessToken } from "./useAccessToken";
import { useAuth } from "./useAuth";
import { useAuthWebSocketProtocols } from "./useAuthWebSocketProtocols";

function Page() {
  const { status, user } = useAuth();
  const token = useAccessToken();
  const protocols = useAuthWebSocketProtocols("wss://api.example/ws");
  return <p>{`${status}|${user?.email ?? "nobody"}|${token}|${protocols}`}</p>;
}

describe("server rendering", () => {
  it("renders the loading state without any browser global", async () => {
    expect(typeof window).toBe("undefined");
    expect(typeof document).toBe("undefined");
    const html = renderToString(
      <AuthProvider authApiBaseUrl="https://auth.example" apiOrigins={["https://api.example"]}>
        <Page />
        <RequireAuth fallback="signed out" loading="restoring">
          secret
        </RequireAuth>
        <PermissionGate permission="audit" loading="checking">
          audit
        </PermissionGate>
      </AuthProvider>,
    );
    expect(html).toContain("loading|nobody|null|null");
    expect(html).toContain("restoring");
    expect(html).toContain("checking");
    expect(html).not.toContain("secret");
  });

  it("the core is inert on the server", async () => {
    const client = new AuthClient();
    expect(client.getSnapshot().status).toBe("loading");
    expect(await client.getAccessToken()).toBeNull();
    expect(client.isAllowedUrl("https://x.example")).toBe(false);
  });
});
