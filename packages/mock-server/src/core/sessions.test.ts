import { describe, expect, it } from "vitest";
import { createMockAuth } from "../handler/createMockAuth.js";

const BASE = "http://127.0.0.1:8765";
const APP = "http://localhost:5173";

function post(path: string, headers: Record<string, string>, body?: string): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { origin: APP, ...headers },
    body,
  });
}

async function signIn(mock: ReturnType<typeof createMockAuth>) {
  const message = await mock.completeLogin({
    state: `s-${Math.random()}`.replace(".", ""),
    origin: APP,
  });
  const code = (message as { code: string }).code;
  const res = await mock.fetch(
    post(
      "/_oxa_auth/token-exchange",
      { "content-type": "application/json" },
      JSON.stringify({ code }),
    ),
  );
  const refresh = /OxaigenPlatformAuthRefreshToken=([^;]+)/.exec(
    res.headers.getSetCookie().join("\n"),
  )?.[1];
  return { access: ((await res.json()) as { access_token: string }).access_token, refresh };
}

const getMe = (mock: ReturnType<typeof createMockAuth>, token: string) =>
  mock
    .fetch(
      new Request(`${BASE}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } }),
    )
    .then((r) => r.status);

describe("sessions fail closed", () => {
  it("a logged-out token stays dead after a flood of anonymous refreshes fills the session store", async () => {
    const mock = createMockAuth({ baseUrl: BASE });
    const { access } = await signIn(mock);
    expect(await getMe(mock, access)).toBe(200);
    const logout = await mock.fetch(
      post("/_oxa_auth/logout", { authorization: `Bearer ${access}` }),
    );
    expect(logout.status).toBe(204);
    expect(await getMe(mock, access)).toBe(401);
    const dev = { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" };
    for (let i = 0; i < 10_050; i++) {
      const res = await mock.fetch(post("/_oxa_auth/refresh", dev));
      expect(res.status).toBe(200);
    }
    expect(await getMe(mock, access)).toBe(401);
  }, 120_000);

  it("a token whose session the mock does not know (forgotten by reset) is refused", async () => {
    const mock = createMockAuth({ baseUrl: BASE });
    const { access, refresh } = await signIn(mock);
    mock.reset();
    expect(await getMe(mock, access)).toBe(401);
    const res = await mock.fetch(
      post("/_oxa_auth/refresh", { cookie: `OxaigenPlatformAuthRefreshToken=${refresh}` }),
    );
    expect(res.status).toBe(401);
  });

  it("tokens minted outside a session (createAccessToken) stay valid until they expire", async () => {
    const mock = createMockAuth({ baseUrl: BASE });
    expect(await getMe(mock, await mock.createAccessToken())).toBe(200);
  });
});
