const { BAD_TOKEN_KINDS, startMockAuth } = require("@org/auth-mock-server/testing");

let auth;
beforeAll(async () => {
  auth = await startMockAuth();
});
afterEach(() => auth.reset());
afterAll(() => auth.close());

// Stand-in for your API (see the vitest example): the mock's get-me, as in proxy mode.
const callApi = (token) =>
  fetch(`${auth.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

test("accepts the viewer persona", async () => {
  const res = await callApi(await auth.token("mock-viewer"));
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ id: "mock-viewer-id" });
});

test.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
  const res = await callApi(await auth.token({ sub: "mock-viewer", bad }));
  expect(res.status).toBe(401);
});
