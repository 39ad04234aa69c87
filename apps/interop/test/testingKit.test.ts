// @org/auth-server pointed at the mock by `@org/auth-mock-server/testing` alone: `env(mode)`
// configures it, `token(...)` makes what it must accept, BAD_TOKEN_KINDS what it must refuse.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AuthServerMode,
  BAD_TOKEN_KINDS,
  type MockAuthKit,
  PERSONA_NAMES,
  startMockAuth,
} from "@org/auth-mock-server/testing";
import { createAuth } from "@org/auth-server";
import { getCurrentUser, requirePermission, sendError } from "@org/auth-server/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/** A node:http API on a free port: /me answers the user, /write needs the "write" permission. */
async function startApi(env: Record<string, string>): Promise<{ url: string; server: Server }> {
  const options = { auth: createAuth({ env, redis: false }) };
  const server = createServer((req, res) => {
    const guard =
      req.url === "/write"
        ? requirePermission("write", options)
        : (r: typeof req) => getCurrentUser(r, options);
    guard(req).then(
      (user) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(user)),
      (error: unknown) => sendError(res, error),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const call = (api: string, path: string, token: string) =>
  fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe.each(["proxy", "jwt"] as AuthServerMode[])("@org/auth-server in %s mode", (mode) => {
  let auth: MockAuthKit;
  let api: { url: string; server: Server };

  beforeAll(async () => {
    auth = await startMockAuth();
    api = await startApi(auth.env(mode));
  });
  beforeEach(() => {
    auth.reset();
  });
  afterAll(async () => {
    api?.server.closeAllConnections();
    await new Promise((resolve) => api?.server.close(resolve));
    await auth?.close();
  });

  it.each(PERSONA_NAMES)("accepts token(%j) and maps that persona", async (name) => {
    const res = await call(api.url, "/me", await auth.token(name));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userName?: string }).userName).toBe(name);
  });

  it('accepts token("alice"), an ad-hoc user', async () => {
    const res = await call(api.url, "/me", await auth.token("alice"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe("alice");
  });

  it("permissions follow the persona: the admin may write, the viewer gets 403", async () => {
    expect((await call(api.url, "/write", await auth.token("mock-admin"))).status).toBe(200);
    expect((await call(api.url, "/write", await auth.token("mock-viewer"))).status).toBe(403);
  });

  it.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
    const res = await call(api.url, "/me", await auth.token({ sub: "mock-admin", bad }));
    expect(res.status).toBe(401);
  });
});
