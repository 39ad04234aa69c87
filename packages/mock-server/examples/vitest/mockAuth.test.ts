import { BAD_TOKEN_KINDS, type MockAuthKit, startMockAuth } from "@org/auth-mock-server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let kit: MockAuthKit;
beforeAll(async () => {
  kit = await startMockAuth(); // 127.0.0.1, a free port: test files can run in parallel
});
afterEach(() => {
  kit.reset(); // state, logins and sessions back to the start
});
afterAll(() => kit.close());

// A stand-in for your API: the mock's get-me, as @org/auth-server asks it in proxy mode. To test
// your real API, see myApi.test.ts: createAuth({ env: kit.env("proxy") }) (or "jwt").
const callApi = (token: string) =>
  fetch(`${kit.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

describe("my API", () => {
  it("accepts the admin persona", async () => {
    const res = await callApi(await kit.token("mock-admin"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "mock-admin-id", user_name: "mock-admin" });
  });

  it.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
    const res = await callApi(await kit.token({ sub: "mock-admin", bad }));
    expect(res.status).toBe(401);
  });

  it("sees run-time state changes; reset() undoes them", async () => {
    kit.setState({ permissions: [] });
    expect(kit.getState().permissions).toEqual([]);
    kit.reset();
    expect(kit.getState().permissions).toEqual(["read"]);
    expect(kit.env("jwt")).toMatchObject({ AUTH_PROVIDER: "jwt", AUTH_ISSUER: kit.issuer });
  });
});
