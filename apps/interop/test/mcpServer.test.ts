// An MCP server built with the official SDK (Streamable HTTP), protected by @org/auth-server's
// Express binding; the SDK's own client finds the authorization server through the protected
// resource metadata, registers (RFC 7591), signs in at the mock with PKCE and a resource
// indicator, calls tools, and steps up when a tool needs a scope it was not granted.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type OAuthClientProvider,
  UnauthorizedError,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { type MockServer, startMockServer } from "@org/auth-mock-server";
import { type Auth, createAuth, resourceMetadataPath } from "@org/auth-server";
import {
  type AuthRequest,
  getCurrentUser,
  protectedResourceMetadata,
  requireScope,
} from "@org/auth-server/express";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REDIRECT = "http://127.0.0.1:3999/callback";

let mock: MockServer;
let server: Server;
let auth: Auth;
let mcpUrl: string;

/** A tools/call of `write_note` needs `mcp:write` on top of `mcp:read`; everything else `mcp:read`. */
function callsWriteTool(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some(
    (m) => m?.method === "tools/call" && (m.params as { name?: unknown })?.name === "write_note",
  );
}

/** One stateless MCP server per request, for the user the guards let through. */
function mcpServerFor(req: AuthRequest): McpServer {
  const mcp = new McpServer({ name: "notes", version: "1.0.0" });
  mcp.registerTool("whoami", { description: "The signed-in user" }, async () => ({
    content: [{ type: "text", text: req.user?.id ?? "nobody" }],
  }));
  mcp.registerTool("write_note", { description: "Needs mcp:write" }, async () => ({
    content: [{ type: "text", text: `written by ${req.user?.id}` }],
  }));
  return mcp;
}

async function startMcpApi(): Promise<void> {
  const app = express();
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mcpUrl = `${origin}/mcp`;
  auth = createAuth({
    env: { AUTH_PROVIDER: "jwt", AUTH_ISSUER: mock.url },
    resource: mcpUrl,
    authorizationServers: [mock.url],
    // What clients ask for when no challenge names a scope: the baseline, not the write scope.
    scopesSupported: ["mcp:read"],
    redis: false,
    cacheTtlSeconds: 0,
  });
  const options = { auth };
  const read = requireScope("mcp:read", options);
  const write = requireScope(["mcp:read", "mcp:write"], options);
  app.get(resourceMetadataPath(mcpUrl), protectedResourceMetadata(options));
  app.post(
    "/mcp",
    getCurrentUser(options),
    express.json({ limit: "100kb" }),
    (req, res, next) => (callsWriteTool(req.body) ? write : read)(req, res, next),
    async (req, res) => {
      const mcp = mcpServerFor(req);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, req.body);
    },
  );
}

/**
 * The SDK's OAuth client provider, in memory: the "browser" follows the mock's auto-approved
 * login itself and keeps the code the redirect carries (after checking its state).
 */
class TestProvider implements OAuthClientProvider {
  registered: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  pendingCode: string | undefined;
  expectedState = "";
  readonly authorizations: URL[] = [];

  get redirectUrl(): string {
    return REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    // authorization_code only: with a refresh token this SDK version refreshes on a scope
    // challenge, and a refresh can never widen the scope.
    return {
      client_name: "interop MCP client",
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString("base64url");
    return this.expectedState;
  }

  clientInformation() {
    return this.registered;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.registered = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizations.push(url);
    const res = await fetch(url, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || location === null) throw new Error(`authorize: ${res.status}`);
    const back = new URL(location);
    if (back.searchParams.get("state") !== this.expectedState) throw new Error("state mismatch");
    const code = back.searchParams.get("code");
    if (code === null) throw new Error(`authorize: ${back.searchParams.get("error")}`);
    this.pendingCode = code;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

/** Runs `step`; when the SDK had to send the user to sign in, finishes that and runs it again. */
async function withSignIn<T>(
  provider: TestProvider,
  transport: StreamableHTTPClientTransport,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || provider.pendingCode === undefined) throw error;
    const code = provider.pendingCode;
    provider.pendingCode = undefined;
    await transport.finishAuth(code);
    return step();
  }
}

const text = (result: unknown) =>
  ((result as { content: { text: string }[] }).content[0] as { text: string }).text;
const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString()) as Record<
    string,
    unknown
  >;

beforeAll(async () => {
  mock = await startMockServer();
  await startMcpApi();
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await auth?.close();
  await mock?.close();
});

describe("an MCP server (official SDK, Streamable HTTP) protected by @org/auth-server", () => {
  it("the SDK client discovers, registers, signs in, calls a tool and steps up for a wider scope", async () => {
    const provider = new TestProvider();
    const client = new Client({ name: "interop", version: "1.0.0" });
    let transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    // connect() meets the 401, discovers and registers, and sends the user to sign in.
    await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.registered?.client_id).toMatch(/^dcr-/);
    const first = provider.authorizations[0] as URL;
    expect(first.origin).toBe(new URL(mock.url).origin);
    expect(first.searchParams.get("resource")).toBe(mcpUrl);
    expect(first.searchParams.get("scope")).toBe("mcp:read");
    expect(first.searchParams.get("code_challenge_method")).toBe("S256");
    await transport.finishAuth(provider.pendingCode as string);
    provider.pendingCode = undefined;
    const token = provider.saved?.access_token as string;
    expect(claims(token)).toMatchObject({ aud: mcpUrl, scope: "mcp:read" });

    transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await client.connect(transport);
    expect(text(await client.callTool({ name: "whoami" }))).toBe(claims(token).sub);

    // write_note answers 403 insufficient_scope: the client signs in again with that scope.
    const written = await withSignIn(provider, transport, () =>
      client.callTool({ name: "write_note" }),
    );
    expect(text(written)).toMatch(/^written by /);
    const second = provider.authorizations[1] as URL;
    expect(second.searchParams.get("scope")).toBe("mcp:read mcp:write");
    expect(second.searchParams.get("resource")).toBe(mcpUrl);
    expect(claims(provider.saved?.access_token as string).scope).toBe("mcp:read mcp:write");
    await client.close();
  });

  it("a token the mock minted for another resource is refused with the metadata to go to", async () => {
    const foreign = await mock.mock.mintToken({
      audience: "http://127.0.0.1:1/mcp",
      scope: "mcp:read",
    });
    const res = await fetch(mcpUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${foreign}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    const metadataUrl = `${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`;
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer error="invalid_token", resource_metadata="${metadataUrl}"`,
    );
    expect(await (await fetch(metadataUrl)).json()).toEqual({
      resource: mcpUrl,
      authorization_servers: [mock.url],
      bearer_methods_supported: ["header"],
      scopes_supported: ["mcp:read"],
      dpop_signing_alg_values_supported: expect.arrayContaining(["ES256"]),
      dpop_bound_access_tokens_required: false,
    });
  });
});
