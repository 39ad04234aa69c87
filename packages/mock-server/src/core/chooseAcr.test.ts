// Step-up (RFC 9470) at the mock, over real HTTP: acr_values and max_age in both login flows.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeFlow, oidcRefresh, REDIRECT, type Tokens } from "../../test/httpFlows.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";
import { chooseAcr } from "./chooseAcr.js";

const APP = "http://127.0.0.1:5173";
/** A persona that can only reach the weakest level. */
const LIMITED = { id: "limited", email: "limited@example.com", acrValues: ["pwd"] };

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ personas: [LIMITED] });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const claims = (jwt: string | undefined) =>
  JSON.parse(Buffer.from((jwt ?? "").split(".")[1] ?? "", "base64url").toString());
const now = () => Math.floor(Date.now() / 1000);

/** `/oidc/authorize` for mock-client; the redirect's query (code or error). */
async function authorizeQuery(extra: Record<string, string>) {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "mock-client",
    redirect_uri: REDIRECT,
    scope: "openid",
    state: "st",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  });
  const res = await fetch(`${server.url}/oidc/authorize?${query}`, { redirect: "manual" });
  return { res, query: new URL(res.headers.get("location") ?? "http://x/").searchParams };
}

/** The proxy login in redirect mode, every hop over HTTP; the fragment it lands with. */
async function proxyLogin(params: Record<string, string>) {
  const query = new URLSearchParams({
    state: randomBytes(8).toString("hex"),
    origin: APP,
    mode: "redirect",
    return_to: `${APP}/page`,
    ...params,
  });
  let url = `${server.url}/_oxa_auth/login?${query}`;
  for (let hop = 0; hop < 5 && url.startsWith(server.url); hop++) {
    const res = await fetch(url, { redirect: "manual" });
    await res.body?.cancel();
    url = new URL(res.headers.get("location") ?? "", url).href;
  }
  return new URLSearchParams(new URL(url).hash.slice(1));
}

/** Exchanges a proxy login's code; the access token and get-me's body. */
async function exchange(code: string) {
  const res = await fetch(`${server.url}/_oxa_auth/token-exchange`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: APP },
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  const me = await fetch(`${server.url}/_oxa_auth/get-me`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return { access: access_token, me: (await me.json()) as Record<string, unknown>, res };
}

describe("chooseAcr", () => {
  it("picks the first reachable level asked for, the weakest without a request", () => {
    expect(chooseAcr(["pwd", "mfa"], null, null)).toBe("pwd");
    expect(chooseAcr(["pwd", "mfa"], null, "gold mfa pwd")).toBe("mfa");
    expect(chooseAcr(["pwd", "mfa"], { acrValues: ["pwd"] }, "mfa")).toBeUndefined();
    expect(chooseAcr(["pwd", "mfa"], { acrValues: ["mfa"] }, null)).toBe("mfa");
    expect(chooseAcr(["pwd", "mfa"], null, "gold")).toBeUndefined();
  });
});

describe("step-up at the OpenID provider", () => {
  it("lists acr_values_supported and acr in its discovery", async () => {
    const res = await fetch(`${server.url}/.well-known/openid-configuration`);
    const doc = (await res.json()) as Record<string, string[]>;
    expect(doc.acr_values_supported).toEqual(["pwd", "mfa"]);
    expect(doc.claims_supported).toContain("acr");
  });

  it("issues the level asked for (first reachable) with auth_time, kept across refresh", async () => {
    const plain = await codeFlow(server);
    expect(claims(plain.tokens.access_token)).toMatchObject({ acr: "pwd" });
    const { tokens } = await codeFlow(server, { acr_values: "gold mfa", max_age: "0" });
    const access = claims(tokens.access_token);
    expect(access.acr).toBe("mfa");
    expect(Math.abs(access.auth_time - now())).toBeLessThanOrEqual(5);
    expect(claims(tokens.id_token)).toMatchObject({ acr: "mfa", auth_time: access.auth_time });
    const refreshed = (await (
      await oidcRefresh(server, tokens.refresh_token as string)
    ).json()) as Tokens;
    expect(claims(refreshed.access_token)).toMatchObject({ acr: "mfa" });
  });

  it("fails a login whose user cannot reach any level asked for", async () => {
    const unknown = await authorizeQuery({ acr_values: "gold" });
    expect(unknown.query.get("error")).toBe("unmet_authentication_requirements");
    const limited = await authorizeQuery({ acr_values: "mfa", login_hint: "limited" });
    expect(limited.query.get("error")).toBe("unmet_authentication_requirements");
    const reachable = await authorizeQuery({ acr_values: "mfa pwd", login_hint: "limited" });
    expect(reachable.query.get("code")).toBeTruthy();
  });

  it("refuses a malformed max_age or acr_values with invalid_request", async () => {
    const bads: Record<string, string>[] = [
      { max_age: "-1" },
      { max_age: "soon" },
      { acr_values: 'mfa"' },
    ];
    for (const bad of bads) {
      const { query } = await authorizeQuery(bad);
      expect(query.get("error")).toBe("invalid_request");
    }
  });

  it("interactive login shows the extra step and requires it to be confirmed", async () => {
    server.setState({ loginMode: "interactive" });
    const page = await authorizeQuery({ acr_values: "mfa" });
    const html = await page.res.text();
    expect(html).toContain("Extra step: authentication level mfa");
    expect(html).toMatch(/name="step_up" value="1" required/);
    const interaction = () => /name="interaction" value="([^"]+)"/.exec(html)?.[1] as string;
    const decide = (form: Record<string, string>) =>
      fetch(`${server.url}/oidc/authorize/decision`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ interaction: interaction(), ...form }),
        redirect: "manual",
      });
    const skipped = await decide({ persona: "mock-admin-id" });
    expect(new URL(skipped.headers.get("location") ?? "").searchParams.get("error")).toBe(
      "unmet_authentication_requirements",
    );
    const again = await authorizeQuery({ acr_values: "mfa" });
    const page2 = await again.res.text();
    const id = /name="interaction" value="([^"]+)"/.exec(page2)?.[1] as string;
    const confirmed = await fetch(`${server.url}/oidc/authorize/decision`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ interaction: id, persona: "mock-admin-id", step_up: "1" }),
      redirect: "manual",
    });
    const code = new URL(confirmed.headers.get("location") ?? "").searchParams.get("code");
    expect(code).toBeTruthy();
    // Without acr_values the page has no extra step.
    expect(await (await authorizeQuery({})).res.text()).not.toContain("Extra step");
  });
});

describe("step-up through the proxy login", () => {
  it("honours acr_values: the token and get-me carry acr and auth_time", async () => {
    const fragment = await proxyLogin({ acr_values: "mfa", max_age: "0" });
    const { access, me } = await exchange(fragment.get("oxa_auth_code") ?? "");
    expect(claims(access)).toMatchObject({ acr: "mfa" });
    expect(me.acr).toBe("mfa");
    expect(Math.abs((me.auth_time as number) - now())).toBeLessThanOrEqual(5);
    const plain = await exchange((await proxyLogin({})).get("oxa_auth_code") ?? "");
    expect(plain.me.acr).toBe("pwd");
  });

  it("keeps the level across a refresh", async () => {
    const fragment = await proxyLogin({ acr_values: "mfa" });
    const { res } = await exchange(fragment.get("oxa_auth_code") ?? "");
    const name = server.mock.settings.refreshCookieName;
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? "";
    const refreshed = await fetch(`${server.url}/_oxa_auth/refresh`, {
      method: "POST",
      headers: { cookie: cookie.split(";")[0] as string },
    });
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect(claims(access_token).acr).toBe("mfa");
  });

  it("fails the login when the user cannot reach the level", async () => {
    const fragment = await proxyLogin({ acr_values: "mfa", login_hint: "limited" });
    expect(fragment.get("oxa_auth_error")).toBe("unmet_authentication_requirements");
    expect(fragment.get("oxa_auth_code")).toBeNull();
  });

  it("still refuses a malformed max_age (400)", async () => {
    const res = await fetch(`${server.url}/_oxa_auth/login?state=s1&max_age=x`);
    expect(res.status).toBe(400);
  });
});

describe("acr settings", () => {
  it("lists the configured levels and refuses unsafe ones", async () => {
    const custom = await startMockServer({ acrValues: ["urn:low", "urn:high"] });
    try {
      const doc = await (await fetch(`${custom.url}/.well-known/openid-configuration`)).json();
      expect(doc.acr_values_supported).toEqual(["urn:low", "urn:high"]);
    } finally {
      await custom.close();
    }
    await expect(startMockServer({ acrValues: ['bad"acr'] })).rejects.toThrow(/acr values are/);
    await expect(startMockServer({ acrValues: [] })).rejects.toThrow(/at least one acr value/);
  });

  it("a persona's acrValues are validated", () => {
    expect(() => server.setState({ personas: [{ id: "x", acrValues: ["a b"] }] })).toThrow(
      /acrValues\[0\]/,
    );
  });
});
