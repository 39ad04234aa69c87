// Bad input against the OpenID provider, in-process (the same handler the HTTP server runs).
import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMockAuth, type MockAuth } from "../core/createMockAuth.js";

const BASE = "http://127.0.0.1:8765";
const REDIRECT = "http://127.0.0.1:5173/cb";
let t = Date.now();
let mock: MockAuth;
const logged: string[] = [];

beforeEach(() => {
  t = Date.now();
  mock = createMockAuth({
    baseUrl: BASE,
    now: () => t,
    clients: [
      {
        clientId: "orders-web",
        clientSecret: "orders-web-secret",
        redirectUris: ["https://app.test/cb", "http://localhost:4000/cb"],
        postLogoutRedirectUris: ["https://app.test/"],
        loopback: false,
      },
    ],
  });
  logged.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

const get = (path: string, query: Record<string, string>) =>
  mock.fetch(new Request(`${BASE}${path}?${new URLSearchParams(query)}`, { redirect: "manual" }));

const post = (
  path: string,
  form: Record<string, string> | string,
  headers: Record<string, string> = {},
) =>
  mock.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: typeof form === "string" ? form : new URLSearchParams(form),
    }),
  );

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`,
});

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorize(query: Record<string, string>) {
  const res = await get("/oidc/authorize", {
    response_type: "code",
    client_id: "mock-client",
    redirect_uri: REDIRECT,
    scope: "openid",
    state: "st",
    ...query,
  });
  return {
    res,
    location: res.headers.get("location") ? new URL(res.headers.get("location") as string) : null,
  };
}

async function code(query: Record<string, string> = {}) {
  const { location } = await authorize(query);
  return location?.searchParams.get("code") as string;
}

async function body(res: Response) {
  return (await res.json()) as Record<string, string>;
}

describe("authorization endpoint", () => {
  it("never redirects for an unknown client or an unregistered redirect_uri (no open redirect)", async () => {
    const unknown = await authorize({ client_id: "nobody" });
    expect(unknown.res.status).toBe(400);
    expect(unknown.location).toBeNull();
    expect((await body(unknown.res)).error).toBe("invalid_client");
    for (const redirect_uri of [
      "https://evil.example/cb",
      "http://127.0.0.1.evil.example/cb",
      "https://127.0.0.1:5173/cb",
      "http://127.0.0.1:5173/cb#x",
      "javascript:alert(1)",
      "/relative",
    ]) {
      const { res, location } = await authorize({ redirect_uri });
      expect(res.status, redirect_uri).toBe(400);
      expect(location, redirect_uri).toBeNull();
    }
    const missing = await get("/oidc/authorize", {
      response_type: "code",
      client_id: "mock-client",
    });
    expect(missing.status).toBe(400);
  });

  it("matches a configured client's redirect URIs exactly; a loopback one on any port (RFC 8252)", async () => {
    const c = { client_id: "orders-web" };
    expect((await authorize({ ...c, redirect_uri: "https://app.test/cb" })).res.status).toBe(302);
    for (const bad of [
      "https://app.test/cb/x",
      "https://app.test/cb?x=1",
      "https://app.test/c",
      "https://app.test:444/cb",
      "http://127.0.0.1:5173/cb",
    ]) {
      expect((await authorize({ ...c, redirect_uri: bad })).res.status, bad).toBe(400);
    }
    expect((await authorize({ ...c, redirect_uri: "http://localhost:4123/cb" })).res.status).toBe(
      302,
    );
    expect(
      (await authorize({ ...c, redirect_uri: "http://localhost:4123/other" })).res.status,
    ).toBe(400);
    // Any loopback URI works for the zero-config clients, on any port and path.
    for (const uri of ["http://localhost:1/x", "http://[::1]:9/y?z=1", "http://127.0.0.1:65535/"]) {
      expect((await authorize({ redirect_uri: uri })).res.status, uri).toBe(302);
    }
  });

  it("answers request errors at the redirect URI with state and iss", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ client_id: "mock-public-client" }, "invalid_request"], // public client without PKCE
      [{ code_challenge: "a".repeat(43), code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: "short", code_challenge_method: "S256" }, "invalid_request"],
      [{ scope: 'openid "bad' }, "invalid_scope"],
      [{ prompt: "none login" }, "invalid_request"],
      [{ login_hint: "nobody-at-all" }, "login_required"],
      [{ request: "eyJ" }, "request_not_supported"],
      [{ response_mode: "fragment" }, "invalid_request"],
    ];
    for (const [query, error] of cases) {
      const { res, location } = await authorize(query);
      expect(res.status, JSON.stringify(query)).toBe(302);
      expect(location?.origin + (location?.pathname ?? "")).toBe(REDIRECT);
      expect(location?.searchParams.get("error"), JSON.stringify(query)).toBe(error);
      expect(location?.searchParams.get("state")).toBe("st");
      expect(location?.searchParams.get("iss")).toBe(BASE);
      expect(location?.searchParams.get("code")).toBeNull();
    }
  });

  it("refuses repeated and oversized parameters with 400", async () => {
    const dup = await mock.fetch(
      new Request(
        `${BASE}/oidc/authorize?client_id=mock-client&client_id=other&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      ),
    );
    expect(dup.status).toBe(400);
    expect((await body(dup)).error).toBe("invalid_request");
    expect((await authorize({ state: "x".repeat(5000) })).res.status).toBe(400);
  });

  it("fails logins on request (loginError) and in interactive mode shows a persona picker", async () => {
    mock.setState({ loginError: "access_denied" });
    expect((await authorize({})).location?.searchParams.get("error")).toBe("access_denied");
    mock.setState({ loginError: null, loginMode: "interactive" });
    expect((await authorize({ prompt: "none" })).location?.searchParams.get("error")).toBe(
      "login_required",
    );
    const page = await authorize({});
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.res.text();
    expect(html).toContain('value="mock-admin-id"');
    const interaction = /name="interaction" value="([^"]+)"/.exec(html)?.[1] as string;
    const chosen = await post("/oidc/authorize/decision", {
      interaction,
      persona: "mock-viewer-id",
    });
    expect(chosen.status).toBe(302);
    const c = new URL(chosen.headers.get("location") as string).searchParams.get("code") as string;
    const tokens = await body(
      await post(
        "/oidc/token",
        { grant_type: "authorization_code", code: c, redirect_uri: REDIRECT },
        basic("mock-client", "mock-client-secret"),
      ),
    );
    expect(
      JSON.parse(Buffer.from(tokens.id_token?.split(".")[1] as string, "base64url").toString()).sub,
    ).toBe("mock-viewer-id");
    // The page works once.
    expect(
      (await post("/oidc/authorize/decision", { interaction, persona: "mock-viewer-id" })).status,
    ).toBe(400);
    // login_hint skips the page even in interactive mode.
    expect(
      (await authorize({ login_hint: "mock.admin@example.com" })).location?.searchParams.get(
        "code",
      ),
    ).toBeTruthy();
  });
});

describe("token endpoint", () => {
  const cred = basic("mock-client", "mock-client-secret");

  it("answers RFC 6749 errors: format, grant type, client authentication", async () => {
    const json = await mock.fetch(
      new Request(`${BASE}/oidc/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect([json.status, (await body(json)).error]).toEqual([400, "invalid_request"]);
    expect((await body(await post("/oidc/token", {}, cred))).error).toBe("invalid_request");
    const pw = await post("/oidc/token", { grant_type: "password" }, cred);
    expect([pw.status, (await body(pw)).error]).toEqual([400, "unsupported_grant_type"]);
    const wrong = await post(
      "/oidc/token",
      { grant_type: "client_credentials" },
      basic("mock-client", "nope"),
    );
    expect([wrong.status, (await body(wrong)).error]).toEqual([401, "invalid_client"]);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic /);
    const unknown = await post("/oidc/token", {
      grant_type: "client_credentials",
      client_id: "x",
      client_secret: "y",
    });
    expect(unknown.status).toBe(401);
    const both = await post(
      "/oidc/token",
      { grant_type: "client_credentials", client_secret: "mock-client-secret" },
      cred,
    );
    expect([both.status, (await body(both)).error]).toEqual([400, "invalid_request"]);
    const noSecret = await post("/oidc/token", {
      grant_type: "client_credentials",
      client_id: "mock-client",
    });
    expect(noSecret.status).toBe(401);
    const publicWithSecret = await post(
      "/oidc/token",
      { grant_type: "client_credentials" },
      basic("mock-public-client", "guess"),
    );
    expect(publicWithSecret.status).toBe(401);
    const publicCc = await post("/oidc/token", {
      grant_type: "client_credentials",
      client_id: "mock-public-client",
    });
    expect((await body(publicCc)).error).toBe("unauthorized_client");
    const openidCc = await post(
      "/oidc/token",
      { grant_type: "client_credentials", scope: "openid" },
      cred,
    );
    expect((await body(openidCc)).error).toBe("invalid_scope");
    const big = await post(
      "/oidc/token",
      `grant_type=client_credentials&x=${"a".repeat(20_000)}`,
      cred,
    );
    expect(big.status).toBe(413);
  });

  it("a rotated refresh token answers the same successor within the reuse interval; later reuse revokes the grant", async () => {
    const form = { grant_type: "authorization_code", code: await code(), redirect_uri: REDIRECT };
    const first = await body(await post("/oidc/token", form, cred));
    const refreshWith = async (token: unknown) =>
      body(
        await post(
          "/oidc/token",
          { grant_type: "refresh_token", refresh_token: String(token) },
          cred,
        ),
      );
    const rotated = await refreshWith(first.refresh_token);
    expect(rotated.refresh_token).toBeTruthy();
    t += 9_999;
    const again = await refreshWith(first.refresh_token);
    expect(again.refresh_token).toBe(rotated.refresh_token);
    expect(again.access_token).toBeTruthy();
    t += 1;
    expect((await refreshWith(first.refresh_token)).error).toBe("invalid_grant");
    // The late reuse ended the grant: every token it issued is refused.
    expect((await refreshWith(rotated.refresh_token)).error).toBe("invalid_grant");
  });

  it("codes are single use (a replay revokes what the first use issued), short-lived and bound", async () => {
    const c = await code();
    const form = { grant_type: "authorization_code", code: c, redirect_uri: REDIRECT };
    const first = await body(await post("/oidc/token", form, cred));
    expect(first.access_token).toBeTruthy();
    const replay = await post("/oidc/token", form, cred);
    expect([replay.status, (await body(replay)).error]).toEqual([400, "invalid_grant"]);
    const refresh = await post(
      "/oidc/token",
      { grant_type: "refresh_token", refresh_token: first.refresh_token as string },
      cred,
    );
    expect((await body(refresh)).error).toBe("invalid_grant");
    const userinfo = await mock.fetch(
      new Request(`${BASE}/oidc/userinfo`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      }),
    );
    expect(userinfo.status).toBe(401);

    const late = await code();
    t += 61_000;
    expect((await body(await post("/oidc/token", { ...form, code: late }, cred))).error).toBe(
      "invalid_grant",
    );

    const otherRedirect = await code();
    expect(
      (
        await body(
          await post(
            "/oidc/token",
            { ...form, code: otherRedirect, redirect_uri: "http://127.0.0.1:5174/cb" },
            cred,
          ),
        )
      ).error,
    ).toBe("invalid_grant");
    const otherClient = await code();
    const asOther = await post(
      "/oidc/token",
      { ...form, code: otherClient },
      basic("orders-web", "orders-web-secret"),
    );
    expect((await body(asOther)).error).toBe("invalid_grant");
  });

  it("checks PKCE: S256 only, the verifier must match, and is required when a challenge was sent", async () => {
    const { verifier, challenge } = pkce();
    const q = {
      client_id: "mock-public-client",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const form = (c: string, v?: string) => ({
      grant_type: "authorization_code",
      code: c,
      redirect_uri: REDIRECT,
      client_id: "mock-public-client",
      ...(v ? { code_verifier: v } : {}),
    });
    expect((await body(await post("/oidc/token", form(await code(q))))).error).toBe(
      "invalid_grant",
    );
    expect(
      (await body(await post("/oidc/token", form(await code(q), pkce().verifier)))).error,
    ).toBe("invalid_grant");
    const ok = await post("/oidc/token", form(await code(q), verifier));
    expect(ok.status).toBe(200);
    // No challenge at authorize, a verifier at the token endpoint: refused (downgrade).
    const plain = await code();
    expect(
      (
        await body(
          await post("/oidc/token", { ...form(plain, verifier), client_id: "mock-client" }, {}),
        )
      ).error,
    ).toBe("invalid_client");
    const confidential = await post(
      "/oidc/token",
      {
        grant_type: "authorization_code",
        code: plain,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      },
      cred,
    );
    expect((await body(confidential)).error).toBe("invalid_grant");
  });

  it("introspection needs a confidential client; revocation of another client's token is refused", async () => {
    const pub = await post("/oidc/introspect", { token: "x", client_id: "mock-public-client" });
    expect([pub.status, (await body(pub)).error]).toEqual([401, "invalid_client"]);
    expect(await body(await post("/oidc/introspect", { token: "garbage" }, cred))).toEqual({
      active: false,
    });
    const cc = await body(await post("/oidc/token", { grant_type: "client_credentials" }, cred));
    const other = await post(
      "/oidc/revoke",
      { token: cc.access_token as string },
      basic("orders-web", "orders-web-secret"),
    );
    expect([other.status, (await body(other)).error]).toEqual([400, "unauthorized_client"]);
    expect(
      (await body(await post("/oidc/introspect", { token: cc.access_token as string }, cred)))
        .active,
    ).toBe(true);
    expect((await post("/oidc/revoke", { token: "unknown" }, cred)).status).toBe(200);
  });

  it("an ID token is not a bearer credential at userinfo; an app-only token has no user", async () => {
    const c = await code({ scope: "openid email" });
    const tokens = await body(
      await post(
        "/oidc/token",
        { grant_type: "authorization_code", code: c, redirect_uri: REDIRECT },
        cred,
      ),
    );
    const asBearer = (t: string) =>
      mock.fetch(
        new Request(`${BASE}/oidc/userinfo`, { headers: { authorization: `Bearer ${t}` } }),
      );
    expect((await asBearer(tokens.id_token as string)).status).toBe(401);
    const info = await body(await asBearer(tokens.access_token as string));
    expect(info).toEqual({
      sub: "mock-user-id",
      email: "mock.user@example.com",
      email_verified: true,
    });
    const cc = await body(await post("/oidc/token", { grant_type: "client_credentials" }, cred));
    expect((await asBearer(cc.access_token as string)).status).toBe(403);
    expect((await mock.fetch(new Request(`${BASE}/oidc/userinfo`))).status).toBe(401);
  });

  it("post_logout_redirect_uri must be registered; end_session refuses a foreign id_token_hint", async () => {
    const forged = await mock.fetch(
      new Request(
        `${BASE}/oidc/logout?id_token_hint=a.b.c&post_logout_redirect_uri=https://evil.example/`,
        { redirect: "manual" },
      ),
    );
    expect(forged.status).toBe(400);
    const noClient = await mock.fetch(
      new Request(`${BASE}/oidc/logout?post_logout_redirect_uri=https://app.test/`, {
        redirect: "manual",
      }),
    );
    expect(noClient.status).toBe(400);
    const ok = await mock.fetch(
      new Request(
        `${BASE}/oidc/logout?client_id=orders-web&post_logout_redirect_uri=https://app.test/`,
        { redirect: "manual" },
      ),
    );
    expect(ok.status).toBe(302);
    const evil = await mock.fetch(
      new Request(
        `${BASE}/oidc/logout?client_id=orders-web&post_logout_redirect_uri=https://evil.example/`,
        { redirect: "manual" },
      ),
    );
    expect(evil.status).toBe(400);
  });

  it("a rotated-out key leaves the JWKS after its grace period", async () => {
    const before = (await mock.jwks()).keys.map((k) => k.kid);
    await mock.rotateKeys(30);
    expect((await mock.jwks()).keys).toHaveLength(4);
    t += 31_000;
    const after = (await mock.jwks()).keys.map((k) => k.kid);
    expect(after).toHaveLength(2);
    expect(after.some((k) => before.includes(k))).toBe(false);
  });

  afterEach(() => {
    // Nothing secret reaches the console: no client secret, no code, no token.
    const all = logged.join("\n");
    expect(all).not.toContain("mock-client-secret");
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
