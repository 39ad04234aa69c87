import { describe, expect, it } from "vitest";
import { createMockAuth } from "../handler/createMockAuth.js";
import { configFromEnv } from "../node/configFromEnv.js";

const BASE = "http://127.0.0.1:8765";

describe("OpenID provider settings from the environment and the state API", () => {
  it("reads clients, personas and the login persona from env (JSON), validated", async () => {
    const options = configFromEnv({
      OXAIGEN_AUTH_MOCK_OIDC_CLIENTS: JSON.stringify([
        { clientId: "web", clientSecret: null, redirectUris: ["https://app.test/cb"] },
      ]),
      OXAIGEN_AUTH_MOCK_PERSONAS: JSON.stringify([{ id: "ada", email: "ada@example.test" }]),
      OXAIGEN_AUTH_MOCK_LOGIN_PERSONA: "ada@example.test",
    });
    const mock = createMockAuth({ ...options, baseUrl: BASE });
    const query = new URLSearchParams({
      response_type: "code",
      client_id: "web",
      redirect_uri: "https://app.test/cb",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    });
    const res = await mock.fetch(new Request(`${BASE}/oidc/authorize?${query}`));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location") as string).origin).toBe("https://app.test");
    const token = await mock.mintToken();
    expect(JSON.parse(atob(token.split(".")[1] as string)).sub).toBe("ada");
  });

  it("names the variable when a value is wrong", () => {
    expect(() => configFromEnv({ OXAIGEN_AUTH_MOCK_OIDC_CLIENTS: "[{" })).toThrow(
      /OXAIGEN_AUTH_MOCK_OIDC_CLIENTS: expected a JSON array/,
    );
    expect(() =>
      configFromEnv({
        OXAIGEN_AUTH_MOCK_OIDC_CLIENTS: '[{"clientId":"x","redirectUris":["javascript:alert(1)"]}]',
      }),
    ).toThrow(/OXAIGEN_AUTH_MOCK_OIDC_CLIENTS\[0\]\.redirectUris\[0\]/);
    expect(() => configFromEnv({ OXAIGEN_AUTH_MOCK_LOGIN_MODE: "maybe" })).toThrow(
      /LOGIN_MODE: expected one of auto, interactive/,
    );
  });

  it("PUT /_oxa_auth/mock/state changes clients and personas; DELETE restores the start-up ones", async () => {
    const mock = createMockAuth({ baseUrl: BASE });
    const put = (body: unknown) =>
      mock.fetch(
        new Request(`${BASE}/_oxa_auth/mock/state`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    expect(
      (await put({ personas: [{ id: "bob", roles: ["ops"] }], loginPersona: "bob" })).status,
    ).toBe(200);
    expect(JSON.parse(atob((await mock.mintToken()).split(".")[1] as string)).roles).toEqual([
      "ops",
    ]);
    const bad = await put({ clients: [{ clientId: "x", clientSecret: "short" }] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("clientSecret");
    await mock.fetch(new Request(`${BASE}/_oxa_auth/mock/state`, { method: "DELETE" }));
    expect(mock.getState()).toMatchObject({
      personas: [],
      clients: [],
      loginPersona: null,
      loginMode: "auto",
    });
  });
});
