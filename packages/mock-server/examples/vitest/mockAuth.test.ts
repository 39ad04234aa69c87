import { BAD_TOKEN_KINDS, type MockAuthKit, startMockAuth } from "@org/auth-mock-server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let auth: MockAuthKit;
beforeAll(async () => {
  auth = await startMockAuth(); // 127.0.0.1, a free port: test files can run in parallel
});
afterEach(() => {
  auth.reset(); // state, logins and sessions back to the start
});
afterAll(() => auth.close());

// Point your API at the mock: createAuth({ env: auth.env("proxy") }) from @org/auth-server
// (or "jwt"). This stand-in asks the mock's get-me, as @org/auth-server does in proxy mode.
const callApi = (token: string) =>
  fetch(`${auth.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

describe("my API", () => {
  it("accepts the admin persona", async () => {
    const res = await callApi(await auth.token("mock-admin"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "mock-admin-id", user_name: "mock-admin" });
  });

  it.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
    const res = await callApi(await auth.token({ sub: "mock-admin", bad }));
    expect(res.status).toBe(401);
  });

  it("sees run-time state changes; reset() undoes them", async () => {
    auth.setState({ permissions: [] });
    expect(auth.getState().permissions).toEqual([]);
    auth.reset();
    expect(auth.getState().permissions).toEqual(["read"]);
    expect(auth.env("jwt")).toMatchObject({ AUTH_PROVIDER: "jwt", AUTH_ISSUER: auth.issuer });
  });
});
