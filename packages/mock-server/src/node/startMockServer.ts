import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { parseHost, parseInteger } from "../config/parse.js";
import { DEFAULT_SERVER_SETTINGS } from "../config/settings.js";
import type { AuthMessage } from "../core/callbackPage.js";
import { createMockAuth, type MockAuth, type MockAuthOptions } from "../core/createMockAuth.js";
import type { LoginParams } from "../core/endpoints/login.js";
import type { MockState, MockStatePatch } from "../core/MockState.js";
import type { RequestLike } from "../core/responses.js";
import { MockAuthError } from "../MockAuthError.js";
import { createRedisPublisher } from "./createRedisPublisher.js";

/**
 * Options of `startMockServer`: every mock setting plus where to listen.
 *
 * @example
 * const options: MockServerOptions = {
 *   host: "127.0.0.1",
 *   port: 0,
 *   signingKeyFile: "./mock-signing-key.json",
 *   permissions: ["read"],
 * };
 * const server = await startMockServer(options);
 */
export interface MockServerOptions extends MockAuthOptions {
  /** Address to bind; default `127.0.0.1`. */
  host?: string;
  /** Port; default `0` (a free port). The CLI defaults to 8765. */
  port?: number;
  /** Path to a private EC P-256 JWK file (ignored when `signingKey` is given). */
  signingKeyFile?: string | null;
  /**
   * `OXAIGEN_AUTH_MOCK_REDIS_URL`: publish revocations (logout, refresh-token reuse, revoked
   * OpenID grants and tokens) and state changes on this Redis, where backends using
   * `@org/auth-server` with Redis listen.
   */
  redisUrl?: string | null;
  /** Key and channel prefix on that Redis (default `oxaigen-auth:`, the SDK's default). */
  redisPrefix?: string;
}

/**
 * A running mock server.
 *
 * @example
 * const server: MockServer = await startMockServer();
 * const message = await server.completeLogin({ state: "state-1", origin: "http://localhost:3000" });
 * server.setState({ permissions: [] });
 * await server.close();
 */
export interface MockServer {
  /** `http://host:port` as clients should call it (also the JWT issuer). */
  readonly url: string;
  /** The address it is bound to. */
  readonly host: string;
  /** The port it listens on (the real one when 0 was asked for). */
  readonly port: number;
  /** The handler and its state (same object the msw handlers expose). */
  readonly mock: MockAuth;
  /** The current scenario (user, permissions, forbidden token…). */
  getState(): MockState;
  /** Merge a patch into the scenario at run time (no restart); returns the new state. */
  setState(patch: MockStatePatch): MockState;
  /** Back to the scenario the server started with. */
  reset(): MockState;
  /** Run the login flow for `state` and return the message the callback page would post. */
  completeLogin(params: LoginParams & { state: string }): Promise<AuthMessage>;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** Largest request body read (bigger bodies are cut and rejected by the endpoints). */
const BODY_LIMIT = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      if (body.length <= BODY_LIMIT) body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function toRequestLike(req: IncomingMessage, base: string): RequestLike {
  // Concatenate rather than resolve: "//evil.example/x" must stay a path on this server.
  const path = req.url?.startsWith("/") ? req.url : "/";
  return {
    method: req.method ?? "GET",
    url: base + path,
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value)
          ? value.join(name.toLowerCase() === "cookie" ? "; " : ", ")
          : value;
      },
    },
    text: () => readBody(req),
  };
}

async function reply(mock: MockAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const out = await mock.respond(toRequestLike(req, mock.baseUrl));
  const headers: Record<string, string | string[]> = { ...out.headers };
  if (out.cookies.length > 0) headers["set-cookie"] = out.cookies;
  res.writeHead(out.status, headers);
  res.end(out.status === 204 ? undefined : out.body);
}

/** `http://host:port` for a bound address; wildcard binds are reached via loopback. */
function publicUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

async function loadKeyFile(path: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as JWK;
  } catch (error) {
    throw new MockAuthError(
      "signing_key",
      `OXAIGEN_AUTH_MOCK_SIGNING_KEY_FILE: cannot read a JSON JWK from ${path} (${(error as Error).message})`,
      { cause: error },
    );
  }
}

function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === "EADDRINUSE"
          ? `port ${port} is in use: stop the other process or set OXAIGEN_AUTH_MOCK_PORT (0 picks a free port)`
          : `cannot listen on ${host}:${port}: ${error.message}`;
      reject(new MockAuthError("server_start", hint, { cause: error }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Start the mock on node:http (default `127.0.0.1`, a free port) and resolve once it listens.
 *
 * @example
 * const server = await startMockServer({ permissions: ["read"] });
 * await fetch(`${server.url}/_oxa_auth/get-me`, { headers: { authorization: "Bearer mock-dev-token" } });
 * server.setState({ permissions: ["read", "audit"] });
 * await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const {
    host: hostOption,
    port: portOption,
    signingKeyFile,
    redisUrl,
    redisPrefix,
    ...authOptions
  } = options;
  const host = parseHost(hostOption ?? DEFAULT_SERVER_SETTINGS.host, "options.host");
  const publisher = redisUrl
    ? await createRedisPublisher(redisUrl, redisPrefix === undefined ? {} : { prefix: redisPrefix })
    : undefined;
  if (publisher !== undefined) {
    const onChange = authOptions.onChange;
    authOptions.onChange = (change) => {
      onChange?.(change);
      void publisher.publish(change);
    };
  }
  const wanted = parseInteger(portOption ?? 0, "options.port", 0, 65535);
  if (signingKeyFile && !authOptions.signingKey)
    authOptions.signingKey = await loadKeyFile(signingKeyFile);
  let mock: MockAuth | undefined;
  const server = createServer((req, res) => {
    if (!mock) {
      res.writeHead(503).end();
      return;
    }
    reply(mock, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const port = await listen(server, host, wanted);
  // The issuer must be known before the first token: build the handler once the port is.
  try {
    mock = createMockAuth({
      ...authOptions,
      baseUrl: authOptions.baseUrl ?? publicUrl(host, port),
    });
  } catch (error) {
    server.close();
    await publisher?.close();
    throw error;
  }
  const m = mock;
  return {
    url: m.baseUrl,
    host,
    port,
    mock: m,
    getState: () => m.getState(),
    setState: (patch) => m.setState(patch),
    reset: () => m.reset(),
    completeLogin: (params) => m.completeLogin(params),
    close: async () => {
      await publisher?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
