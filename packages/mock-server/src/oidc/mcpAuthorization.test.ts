// The mock as an MCP authorization server: RFC 8414 metadata, Dynamic Client Registration
// (RFC 7591), Client ID Metadata Documents, resource indicators (RFC 8707), PKCE S256.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockAuth, type MockAuth } from "../handler/createMockAuth.js";

const BASE = "http://127.0.0.1:8765";
const REDIRECT = "http://127.0.0.1:5173/callback";
const RESOURCE = "https://mcp.example.test/mcp";
let mock: MockAuth;

beforeEach(() => {
  mock = createMockAuth({ baseUrl: BASE });
});

const get = (path: string, query: Record<string, string> = {}) =>
  mock.fetch(new Request(`${BASE}${path}?${new URLSearchParams(query)}`, { redirect: "manual" }));
const postJson = (path: string, body: unknown, type = "application/json") =>
  mock.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
const postForm = (path: string, form: Record<string, string>) =>
  mock.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    }),
  );

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

const payload = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString()) as Record<
    string,
    unknown
  >;

async function register(metadata: Record<string, unknown> = {}) {
  const res = await postJson("/oidc/register", { redirect_uris: [REDIRECT], ...metadata });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The authorization redirect's query (code or error), for a client and extra parameters. */
async function authorize(clientId: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const res = await get("/oidc/authorize", {
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: "mcp:read",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st",
    ...extra,
  });
  const location = res.headers.get("location");
  return {
    status: res.status,
    query: location === null ? null : new URL(location).searchParams,
    body: location === null ? await res.text() : "",
    verifier,
  };
}

async function redeem(clientId: string, code: string, verifier: string, extra = {}) {
  const res = await postForm("/oidc/token", {
    grant_type: "authorization_code",
    client_id: clientId,
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...extra,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe("authorization server metadata (RFC 8414)", () => {
  it("lists registration, metadata documents and PKCE S256 beside the OpenID endpoints", async () => {
    const res = await get("/.well-known/oauth-authorization-server");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      issuer: BASE,
      authorization_endpoint: `${BASE}/oidc/authorize`,
      token_endpoint: `${BASE}/oidc/token`,
      registration_endpoint: `${BASE}/oidc/register`,
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
    });
  });
});

describe("Dynamic Client Registration (RFC 7591) and resource indicators (RFC 8707)", () => {
  it("a registered client signs in; its token's aud is the resource it asked for", async () => {
    const { status, body } = await register({ client_name: "MCP client" });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      client_name: "MCP client",
    });
    const clientId = body.client_id as string;
    const { query, verifier } = await authorize(clientId, { resource: RESOURCE });
    const code = query?.get("code") as string;
    const tokens = await redeem(clientId, code, verifier, { resource: RESOURCE });
    expect(tokens.status).toBe(200);
    expect(payload(tokens.body.access_token as string).aud).toBe(RESOURCE);
    // It registered only authorization_code: no refresh token.
    expect(tokens.body.refresh_token).toBeUndefined();
  });

  it("the token request may leave resource out, never name another one", async () => {
    const clientId = (await register()).body.client_id as string;
    const first = await authorize(clientId, { resource: RESOURCE });
    const other = await redeem(clientId, first.query?.get("code") as string, first.verifier, {
      resource: "https://other.example.test/mcp",
    });
    expect(other).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    const second = await authorize(clientId, { resource: RESOURCE });
    const same = await redeem(clientId, second.query?.get("code") as string, second.verifier);
    expect(payload(same.body.access_token as string).aud).toBe(RESOURCE);
  });

  it("a malformed resource is invalid_target at the authorization endpoint", async () => {
    const clientId = (await register()).body.client_id as string;
    for (const resource of ["mcp", "https://mcp.example.test/mcp#frag", "javascript:alert(1)"]) {
      const { query } = await authorize(clientId, { resource });
      expect(query?.get("error")).toBe("invalid_target");
    }
  });

  it("PKCE S256 is required of registered clients", async () => {
    const clientId = (await register()).body.client_id as string;
    const { query } = await authorize(clientId, { code_challenge: "", code_challenge_method: "" });
    expect(query?.get("error")).toBe("invalid_request");
    const plain = await authorize(clientId, { code_challenge_method: "plain" });
    expect(plain.query?.get("error")).toBe("invalid_request");
  });

  it("refresh tokens only for clients that registered refresh_token", async () => {
    const clientId = (await register({ grant_types: ["authorization_code", "refresh_token"] })).body
      .client_id as string;
    const { query, verifier } = await authorize(clientId, { resource: RESOURCE });
    const tokens = await redeem(clientId, query?.get("code") as string, verifier);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
    const refreshed = await postForm("/oidc/token", {
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: tokens.body.refresh_token as string,
      resource: "https://other.example.test/mcp",
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: "invalid_target" });
  });

  it.each([
    ["not JSON", "{", "invalid_client_metadata"],
    ["no redirect URIs", { redirect_uris: [] }, "invalid_redirect_uri"],
    ["plain http off loopback", { redirect_uris: ["http://evil.test/cb"] }, "invalid_redirect_uri"],
    ["a script URI", { redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri"],
    ["a fragment", { redirect_uris: ["https://app.test/cb#x"] }, "invalid_redirect_uri"],
    [
      "a confidential client",
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: "client_secret_basic" },
      "invalid_client_metadata",
    ],
    [
      "the implicit grant",
      { redirect_uris: [REDIRECT], grant_types: ["implicit"] },
      "invalid_client_metadata",
    ],
    ["an array", [REDIRECT], "invalid_client_metadata"],
  ])("refuses %s with 400 %s", async (_name, body, error) => {
    const res = await postJson("/oidc/register", body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error });
  });

  it("ignores fields it does not know, and does not echo them (RFC 7591 §2)", async () => {
    const body = JSON.parse(
      `{"redirect_uris":["${REDIRECT}"],"jwks_uri":"https://x.test/jwks","__proto__":{"admin":true}}`,
    );
    const { status, body: registered } = await register(body);
    expect(status).toBe(201);
    expect(registered).not.toHaveProperty("jwks_uri");
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses a body that is not JSON by its type", async () => {
    const res = await postJson(
      "/oidc/register",
      "redirect_uris=x",
      "application/x-www-form-urlencoded",
    );
    expect(res.status).toBe(400);
  });
});

describe("Client ID Metadata Documents", () => {
  let server: Server;
  let origin: string;
  const documents: Record<string, { status?: number; body: string; location?: string }> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      const doc = documents[req.url ?? ""];
      if (doc === undefined) return void res.writeHead(404).end();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (doc.location !== undefined) headers.location = doc.location;
      res.writeHead(doc.status ?? 200, headers).end(doc.body);
    });
    server.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  const serve = (path: string, doc: Record<string, unknown> | string, extra = {}) => {
    const clientId = `${origin}${path}`;
    const body = typeof doc === "string" ? doc : JSON.stringify({ client_id: clientId, ...doc });
    documents[path] = { body, ...extra };
    return clientId;
  };

  it("a client whose id is its document's URL signs in with the redirect URIs it lists", async () => {
    const clientId = serve("/client.json", { redirect_uris: [REDIRECT], client_name: "Doc" });
    const { query, verifier } = await authorize(clientId, { resource: RESOURCE });
    const tokens = await redeem(clientId, query?.get("code") as string, verifier);
    expect(tokens.status).toBe(200);
    expect(payload(tokens.body.access_token as string)).toMatchObject({
      aud: RESOURCE,
      client_id: clientId,
    });
    const elsewhere = await authorize(clientId, { redirect_uri: "http://127.0.0.1:5173/other" });
    expect(elsewhere.status).toBe(400);
  });

  it.each([
    [
      "another client_id inside",
      () =>
        serve("/liar.json", `{"client_id":"https://evil.test/c","redirect_uris":["${REDIRECT}"]}`),
    ],
    ["a redirect", () => serve("/moved.json", {}, { status: 302, location: "/client.json" })],
    ["a 404", () => `${origin}/missing.json`],
    ["no JSON", () => serve("/html.json", "<html>")],
    [
      "more than 5 KiB",
      () =>
        serve("/big.json", {
          redirect_uris: [REDIRECT],
          client_name: "x".repeat(200),
          scope: "y".repeat(6000),
        }),
    ],
    [
      "a secret-holding client",
      () =>
        serve("/secret.json", {
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: "client_secret_post",
        }),
    ],
    ["plain http off loopback", () => "http://client.example.test/client.json"],
    ["no path", () => `${origin}/`],
  ])("refuses a document with %s: 400 invalid_client, nothing redirected", async (_name, make) => {
    const result = await authorize(make());
    expect(result.status).toBe(400);
    expect(result.query).toBeNull();
    expect(JSON.parse(result.body)).toMatchObject({ error: "invalid_client" });
  });
});
