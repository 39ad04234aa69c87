const { BAD_TOKEN_KINDS, startMockAuth } = require("@org/auth-mock-server/testing");

let kit;
beforeAll(async () => {
  kit = await startMockAuth();
});
afterEach(() => kit.reset());
afterAll(() => kit.close());

// Stand-in for your API (see the vitest example): the mock's get-me, as in proxy mode.
const callApi = (token) =>
  fetch(`${kit.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

test("accepts the viewer persona", async () => {
  const res = await callApi(await kit.token("mock-viewer"));
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ id: "mock-viewer-id" });
});

test.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
  const res = await callApi(await kit.token({ sub: "mock-viewer", bad }));
  expect(res.status).toBe(401);
});
