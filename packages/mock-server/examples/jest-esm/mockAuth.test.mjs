import { BAD_TOKEN_KINDS, PERSONA_NAMES, startMockAuth } from "@org/auth-mock-server/testing";

let kit;
beforeAll(async () => {
  kit = await startMockAuth();
});
afterEach(() => kit.reset());
afterAll(() => kit.close());

// Stand-in for your API (see the vitest example): the mock's get-me, as in proxy mode.
const callApi = (token) =>
  fetch(`${kit.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

test.each(PERSONA_NAMES)("accepts the %s persona", async (name) => {
  const res = await callApi(await kit.token(name));
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ user_name: name });
});

test.each(BAD_TOKEN_KINDS)("refuses a %s token with 401", async (bad) => {
  const res = await callApi(await kit.token({ sub: "mock-admin", bad }));
  expect(res.status).toBe(401);
});
